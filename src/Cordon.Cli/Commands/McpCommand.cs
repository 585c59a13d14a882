namespace Cordon.Cli.Commands;

/// <summary>
/// <c>cordon mcp</c>: the Model Context Protocol server on stdin/stdout, a separate executable (<c>cordon-mcp</c>)
/// beside this one, so that the MCP SDK adds nothing to the size or start-up of every other cordon command.
/// </summary>
internal static class McpCommand
{
    public static Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
        => CompanionExecutable.RunAsync("cordon-mcp", "Cordon.Mcp", args, cancellationToken);
}
