using ModelContextProtocol.Server;

namespace Cordon.Mcp;

/// <summary>The stdio transport: one client on stdin/stdout, the caller of every call, for as long as it stays connected.</summary>
internal static class CordonMcpServer
{
    public static async Task RunAsync(ServerConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var tools = new McpToolServer(configuration);
        var options = new McpServerOptions();
        tools.Configure(options, McpCaller.Stdio);

        McpLog.Write($"pid {Environment.ProcessId} serving on stdio; ceiling policy {configuration.CeilingName}; workspaces under {configuration.WorkRoot}");
        await using var transport = new StdioServerTransport(options);
        await using McpServer server = McpServer.Create(transport, options);
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        McpLog.Write("client closed the connection; stopping");
    }
}
