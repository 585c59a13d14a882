using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Cordon.Mcp.Tests.Support;

/// <summary>
/// The real <c>cordon mcp</c> (the CLI, which starts cordon-mcp) driven over stdio by the C# SDK's own client; its stderr
/// log is kept, so a test can learn the server's pid and work root and check that both are gone after it stops.
/// </summary>
internal sealed partial class McpServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    /// <summary>Polls until <paramref name="done"/>, giving up after a count of polls that spans <see cref="SafetyNet"/> (no clock is read: a safety net, not a speed assertion).</summary>
    public static async Task PollUntilAsync(Func<bool> done, int intervalMilliseconds)
    {
        for (long polls = (long)(SafetyNet.TotalMilliseconds / intervalMilliseconds); !done() && polls > 0; polls--)
            await Task.Delay(intervalMilliseconds);
    }

    private McpServerProcess(McpClient client, ConcurrentQueue<string> log)
    {
        Client = client;
        Log = log;
    }

    public static string CordonDll { get; } = Path.Combine(AppContext.BaseDirectory, "cordon.dll");

    public McpClient Client { get; }

    public ConcurrentQueue<string> Log { get; }

    public int ServerPid { get; private set; }

    public string WorkRoot { get; private set; } = "";

    public static async Task<McpServerProcess> StartAsync(params string[] arguments)
    {
        var log = new ConcurrentQueue<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "cordon",
            Command = "dotnet",
            Arguments = [CordonDll, "mcp", .. arguments],
            StandardErrorLines = log.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(30),
        });
        using var start = new CancellationTokenSource(SafetyNet);
        McpClient client = await McpClient.CreateAsync(transport, cancellationToken: start.Token);
        var server = new McpServerProcess(client, log);
        // The first log line names the server's pid and work root.
        while (!start.IsCancellationRequested && server.ServerPid == 0)
        {
            foreach (string line in log)
            {
                Match m = ServingLine().Match(line);
                if (!m.Success) continue;
                server.ServerPid = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                server.WorkRoot = m.Groups[2].Value;
            }

            if (server.ServerPid == 0) await Task.Delay(20, start.Token);
        }

        return server;
    }

    public Task<CallToolResult> CallAsync(string tool, object? arguments = null, IProgress<ProgressNotificationValue>? progress = null)
    {
        var values = arguments is null ? new Dictionary<string, object?>() : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
        return Client.CallToolAsync(tool, values, progress, cancellationToken: CancellationToken.None).AsTask().WaitAsync(SafetyNet);
    }

    /// <summary>The tool's structured result (the same JSON as its text content).</summary>
    public async Task<JsonElement> CallJsonAsync(string tool, object? arguments = null, IProgress<ProgressNotificationValue>? progress = null)
    {
        CallToolResult result = await CallAsync(tool, arguments, progress);
        Assert.NotNull(result.StructuredContent);
        string text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.Equal(result.StructuredContent.Value.GetRawText(), JsonDocument.Parse(text).RootElement.GetRawText());
        return result.StructuredContent.Value;
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();

    [GeneratedRegex(@"pid (\d+) serving on stdio; .* workspaces under (\S+)")]
    private static partial Regex ServingLine();
}
