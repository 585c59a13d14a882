namespace Cordon.Cli.Commands;

/// <summary>
/// <c>cordon playground</c>: starts the loopback web playground, a separate executable (<c>cordon-playground</c>)
/// beside this one, so that ASP.NET Core adds nothing to the size or start-up of every other cordon command.
/// </summary>
internal static class PlaygroundCommand
{
    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
        => SiblingExecutable.RunAsync("cordon-playground", "Cordon.Playground", args, cancellationToken);
}
