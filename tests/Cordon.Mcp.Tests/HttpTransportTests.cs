using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cordon.Mcp.Tests.Support;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Cordon.Mcp.Tests;

/// <summary>One real cordon-serve for the class: API keys, three sessions per key, a short idle time, and a pool of two host uids.</summary>
public sealed class ServeFixture : IAsyncLifetime
{
    /// <summary>Two host uids above the default range, so no other Cordon on this host takes them from under the test.</summary>
    public const uint FirstUid = 1_879_200_000;

    public const int SessionsPerKey = 3;

    internal McpServeProcess Serve { get; private set; } = null!;

    public async Task InitializeAsync() => Serve = await McpServeProcess.StartAsync(
        withKeys: true,
        new Dictionary<string, string> { ["CORDON_RUN_UIDS"] = $"{FirstUid}-{FirstUid + 1}" },
        "--mcp-sessions", SessionsPerKey.ToString(CultureInfo.InvariantCulture), "--mcp-session-idle", "3s");

    public async Task DisposeAsync() => await Serve.DisposeAsync();
}

/// <summary>/mcp on cordon serve: MCP Streamable HTTP behind the service's API keys, the same tools as stdio.</summary>
public sealed class HttpTransportTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private McpServeProcess Serve => fixture.Serve;

    [Fact]
    public async Task The_typescript_client_drives_every_tool_over_streamable_http()
    {
        string directory = Path.Combine(Repository.Root, "tests", "Cordon.Mcp.Tests", "typescript");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "@modelcontextprotocol", "sdk")), "run scripts/install-deps.sh: it installs the TypeScript MCP client");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "http-client.mjs", Serve.McpEndpoint.ToString(), McpServeProcess.KeyA, McpServeProcess.KeyB, ServeFixture.SessionsPerKey.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(McpServerProcess.SafetyNet);
        Assert.True(process.ExitCode == 0, $"http-client.mjs failed:\n{await stderr}\n{await stdout}\nserver log:\n{Serve.Stderr}");
        using JsonDocument seen = JsonDocument.Parse(await stdout);
        Assert.Equal(8, seen.RootElement.GetProperty("tools").GetInt32());
        Assert.True(seen.RootElement.GetProperty("progress").GetInt32() >= 2);

        // The session the script left open expires after the idle time, its workspace deleted; the others it stopped.
        string left = seen.RootElement.GetProperty("leftSession").GetString()!;
        await McpServerProcess.PollUntilAsync(() => Serve.SessionWorkspaces().Length == 0, 100);
        Assert.Empty(Serve.SessionWorkspaces());
        Assert.Contains($"session {left} expired (idle); workspace deleted", Serve.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "send the key as 'Authorization: Bearer KEY'")]
    [InlineData("not-a-key", "the API key is not known to this server")]
    public async Task Without_a_valid_key_the_endpoint_answers_401(string? key, string detail)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Serve.McpEndpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, problem.RootElement.Str("detail"));

        // The C# SDK's client cannot connect either.
        await Assert.ThrowsAnyAsync<Exception>(() => Serve.ConnectAsync(key));
    }

    [Fact]
    public async Task The_csharp_client_lists_the_tools_and_receives_output_as_progress()
    {
        await using McpClient client = await Serve.ConnectAsync(McpServeProcess.KeyA);
        IList<McpClientTool> tools = await client.ListToolsAsync();
        Assert.Equal(["audit_policy", "list_files", "read_file", "run", "session_run", "session_start", "session_stop", "write_file"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        var messages = new ConcurrentQueue<string>();
        var progress = new Progress<ProgressNotificationValue>(p => messages.Enqueue(p.Message ?? ""));
        CallToolResult result = await client.CallToolAsync("run", Arguments(new { runtime = "shell", code = "echo first; sleep 0.5; echo second" }), progress).AsTask().WaitAsync(McpServerProcess.SafetyNet);
        Assert.Equal("first\nsecond\n", result.StructuredContent!.Value.Result().Str("stdout"));
        // Each notification is one chunk as the supervisor read it: two here, or one when a busy host read both writes
        // at once. What must hold is that the whole output arrived as progress, in order, each chunk marked stdout.
        await McpServerProcess.PollUntilAsync(() => Streamed(messages) == "first\nsecond\n", 20);
        Assert.Equal("first\nsecond\n", Streamed(messages));
        Assert.InRange(messages.Count, 1, 2);
    }

    /// <summary>The progress messages' stdout chunks joined; anything not marked stdout shows up as itself in brackets.</summary>
    private static string Streamed(IEnumerable<string> messages)
        => string.Concat(messages.Select(m => m.StartsWith("stdout: ", StringComparison.Ordinal) ? m["stdout: ".Length..] : $"[{m}]"));

    [Fact]
    public async Task A_key_limited_to_one_tier_cannot_run_on_another()
    {
        await using McpClient client = await Serve.ConnectAsync(McpServeProcess.KeyJsOnly);
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("run", Arguments(new { runtime = "python", code = "print(1)" })).AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, e.ErrorCode);
        Assert.Contains("'runtime'", e.Message, StringComparison.Ordinal);
        Assert.Contains("only the js tier", e.Message, StringComparison.Ordinal);
        CallToolResult js = await client.CallToolAsync("run", Arguments(new { runtime = "js", code = "console.log(1 + 1)" }));
        Assert.Equal("2\n", js.StructuredContent!.Value.Result().Str("stdout"));
    }

    [Fact]
    public async Task Concurrent_runs_never_share_a_host_uid_of_the_pool()
    {
        // Only root gives runs host uids of their own; unprivileged, every run keeps the server's uid.
        if (Environment.UserName != "root") return;
        await using McpClient client = await Serve.ConnectAsync(McpServeProcess.KeyA);
        var seen = new ConcurrentDictionary<uint, bool>();
        int mostAtOnce = 0;
        using var watching = new CancellationTokenSource();
        Task watch = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                HashSet<uint> now = PoolUidsInUse();
                foreach (uint uid in now) seen[uid] = true;
                mostAtOnce = Math.Max(mostAtOnce, now.Count);
                await Task.Delay(20);
            }
        });

        // Three runs, two uids: two run at once under different uids, the third waits for one (it never fails for want of one).
        CallToolResult[] results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            client.CallToolAsync("run", Arguments(new { runtime = "shell", code = "sleep 1; echo done" })).AsTask().WaitAsync(McpServerProcess.SafetyNet)));
        await watching.CancelAsync();
        await watch;
        Assert.All(results, r => Assert.Equal("done\n", r.StructuredContent!.Value.Result().Str("stdout")));
        Assert.Equal([ServeFixture.FirstUid, ServeFixture.FirstUid + 1], seen.Keys.Order());
        Assert.Equal(2, mostAtOnce);
    }

    /// <summary>The uids of the test's pool that some process on this host runs as right now.</summary>
    private static HashSet<uint> PoolUidsInUse()
    {
        var uids = new HashSet<uint>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0])) continue;
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                    uint uid = uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    if (uid is ServeFixture.FirstUid or ServeFixture.FirstUid + 1) uids.Add(uid);
                    break;
                }
            }
            catch (IOException)
            {
                // the process ended while it was read
            }
        }

        return uids;
    }

    internal static Dictionary<string, object?> Arguments(object value) => JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(value))!;
}

/// <summary>Without API keys /mcp is open on loopback only (the service's rule), and stopping the service deletes every workspace.</summary>
public sealed class HttpLifetimeTests
{
    /// <summary>
    /// What the server left in its TMPDIR. The gvisor tier (probed at start) keeps one directory per user, shared by
    /// every Cordon process of that user, so only its contents would be a run's leftover.
    /// </summary>
    private static IEnumerable<string> Leftovers(string temporary) => Directory.EnumerateFileSystemEntries(temporary)
        .Where(e => !(Path.GetFileName(e).StartsWith("cordon-gvisor-", StringComparison.Ordinal) && Directory.Exists(e) && !Directory.EnumerateFileSystemEntries(e).Any()));

    [Fact]
    public async Task Without_keys_loopback_callers_need_none_and_stopping_deletes_every_workspace()
    {
        await using McpServeProcess serve = await McpServeProcess.StartAsync(withKeys: false);
        await using (McpClient client = await serve.ConnectAsync(key: null))
        {
            string id = (await client.CallToolAsync("session_start")).StructuredContent!.Value.Str("sessionId");
            await client.CallToolAsync("write_file", HttpTransportTests.Arguments(new { session_id = id, path = "kept.txt", content = "x" }));
            Assert.Single(serve.SessionWorkspaces());
        }

        Assert.True(Directory.Exists(serve.WorkRoot));
        Assert.Equal(0, await serve.StopAsync());
        Assert.False(Directory.Exists(serve.WorkRoot), $"{serve.WorkRoot} is left behind");
        Assert.Empty(Leftovers(serve.Temporary));
    }

    [Fact]
    public async Task A_service_that_cannot_listen_leaves_no_work_directory()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string temporary = Directory.CreateTempSubdirectory("cordon-mcp-serve-test-").FullName;
        try
        {
            var start = new ProcessStartInfo(McpServeProcess.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "--listen", taken.LocalEndpoint.ToString()! }) start.ArgumentList.Add(a);
            start.Environment["TMPDIR"] = temporary;
            using var process = Process.Start(start)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(McpServerProcess.SafetyNet);
            Assert.True(process.ExitCode == 125, await stderr);
            Assert.Empty(Leftovers(temporary));
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }
}
