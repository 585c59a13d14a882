namespace Cordon.Cli.Commands;

/// <summary><c>cordon playground</c>: starts the loopback web playground, the separate executable <c>cordon-playground</c>.</summary>
internal static class PlaygroundCommand
{
    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
        => CompanionExecutable.RunAsync("cordon-playground", "Cordon.Playground", args, cancellationToken);
}
