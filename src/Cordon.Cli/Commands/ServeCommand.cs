namespace Cordon.Cli.Commands;

/// <summary><c>cordon serve</c>: starts the HTTP code-execution service, the separate executable <c>cordon-serve</c>.</summary>
internal static class ServeCommand
{
    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
        => CompanionExecutable.RunAsync("cordon-serve", "Cordon.Service", args, cancellationToken);

    /// <summary><c>cordon worker</c>: the same executable in worker mode, taking runs from a NATS queue that <c>cordon serve --queue</c> fills.</summary>
    public static Task<int> WorkerAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
        => CompanionExecutable.RunAsync("cordon-serve", "Cordon.Service", ["worker", .. args], cancellationToken);
}
