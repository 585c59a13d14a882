using System.Text.Json;
using Cordon.Mcp.Tests.Support;
using ModelContextProtocol;

namespace Cordon.Mcp.Tests;

/// <summary>Bounds that need a server of their own: idle expiry, the workspace size, the session count, and what is left after the server stops.</summary>
public sealed class LifetimeTests
{
    [Fact]
    public async Task An_idle_session_expires_and_its_workspace_is_deleted()
    {
        await using McpServerProcess server = await McpServerProcess.StartAsync("--session-idle", "1s");
        string id = (await server.CallJsonAsync("session_start")).Str("sessionId");
        await server.CallJsonAsync("write_file", new { session_id = id, path = "f", content = "x" });
        Assert.Single(Directory.GetDirectories(server.WorkRoot, "session-*"));
        // Until the sweep has removed it.
        await McpServerProcess.PollUntilAsync(() => Directory.GetDirectories(server.WorkRoot, "session-*").Length == 0, 200);
        Assert.Empty(Directory.GetDirectories(server.WorkRoot, "session-*"));
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => server.CallAsync("list_files", new { session_id = id }));
        Assert.Contains("'session_id'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_cannot_grow_past_its_bound()
    {
        await using McpServerProcess server = await McpServerProcess.StartAsync("--session-size", "64K");
        string id = (await server.CallJsonAsync("session_start")).Str("sessionId");
        await server.CallJsonAsync("write_file", new { session_id = id, path = "a", content = new string('a', 40 * 1024) });
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => server.CallAsync("write_file", new { session_id = id, path = "b", content = new string('b', 40 * 1024) }));
        Assert.Contains("'content'", e.Message, StringComparison.Ordinal);

        // A run may not write a file larger than the room left (the file-size limit is lowered to it).
        JsonElement reply = await server.CallJsonAsync("session_run", new { session_id = id, runtime = "shell", code = "head -c 100000 /dev/zero > big; echo $?" });
        Assert.NotEqual("0\n", reply.Result().Str("stdout"));
        JsonElement list = await server.CallJsonAsync("list_files", new { session_id = id });
        Assert.True(list.GetProperty("workspaceBytes").GetInt64() <= 64 * 1024);
    }

    [Fact]
    public async Task The_number_of_sessions_is_bounded()
    {
        await using McpServerProcess server = await McpServerProcess.StartAsync("--max-sessions", "2");
        await server.CallJsonAsync("session_start");
        string second = (await server.CallJsonAsync("session_start")).Str("sessionId");
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => server.CallAsync("session_start"));
        Assert.Contains("session_stop", e.Message, StringComparison.Ordinal);
        await server.CallJsonAsync("session_stop", new { session_id = second });
        await server.CallJsonAsync("session_start");
    }

    [Fact]
    public async Task Stopping_the_client_leaves_no_server_process_and_no_workspace()
    {
        McpServerProcess server = await McpServerProcess.StartAsync();
        string id = (await server.CallJsonAsync("session_start")).Str("sessionId");
        await server.CallJsonAsync("session_run", new { session_id = id, runtime = "shell", code = "echo kept > f" });
        await server.CallJsonAsync("run", new { runtime = "shell", code = "true" });
        int pid = server.ServerPid;
        string root = server.WorkRoot;
        Assert.True(Directory.Exists(root));
        await server.DisposeAsync();
        await McpServerProcess.PollUntilAsync(() => !Directory.Exists($"/proc/{pid}"), 100);
        Assert.False(Directory.Exists($"/proc/{pid}"), "cordon-mcp is still running");
        Assert.False(Directory.Exists(root), $"{root} was left behind");
        Assert.Contains(server.Log, l => l.Contains("client closed the connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_policy_is_refused_at_start_up()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string a in new[] { McpServerProcess.CordonDll, "mcp", "--policy", "/nonexistent/policy.toml" }) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(McpServerProcess.SafetyNet);
        Assert.Equal(125, process.ExitCode);
        Assert.Contains("--policy /nonexistent/policy.toml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_narrower_policy_file_is_the_ceiling()
    {
        string policy = Path.Combine(Path.GetTempPath(), $"cordon-mcp-test-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(policy, "extends = \"shell\"\n[limits]\ntime = \"2s\"\n");
        try
        {
            await using McpServerProcess server = await McpServerProcess.StartAsync("--policy", policy);
            var e = await Assert.ThrowsAsync<McpProtocolException>(() => server.CallAsync("run", new { runtime = "shell", code = "true", limits = new { time = "3s" } }));
            Assert.Contains("ceiling is 2s", e.Message, StringComparison.Ordinal);
            JsonElement reply = await server.CallJsonAsync("run", new { runtime = "shell", code = "sleep 10" });
            Assert.Equal("limit.wall_time", reply.Result().Str("reason"));
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task A_policy_file_with_an_allowlist_is_the_ceiling_and_each_network_refusal_is_one_line_naming_the_destination_and_reason()
    {
        using var allowed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse("127.0.0.8"), 0);
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse("127.0.0.8"), 0);
        allowed.Start();
        other.Start();
        int port = ((System.Net.IPEndPoint)allowed.LocalEndpoint).Port, otherPort = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        string policy = Path.Combine(Path.GetTempPath(), $"cordon-mcp-test-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(policy, $"extends = \"python\"\nnetwork_allow = [\"127.0.0.8:{port}\"]\n");
        try
        {
            await using McpServerProcess server = await McpServerProcess.StartAsync("--policy", policy);
            string code = $"import socket\nsocket.create_connection(('127.0.0.8', {port}), timeout=5); print('reached')\n"
                + $"try:\n    socket.create_connection(('127.0.0.8', {otherPort}), timeout=5)\nexcept OSError as e:\n    print('refused', e.errno)\n";
            JsonElement reply = await server.CallJsonAsync("run", new { runtime = "python", code });
            JsonElement result = reply.Result();
            Assert.Equal("reached\nrefused 111\n", result.Str("stdout"));
            JsonElement violation = Assert.Single(result.GetProperty("violations").EnumerateArray());
            Assert.Equal("network", violation.Str("kind"));
            string line = Assert.Single(reply.Explanations());
            Assert.Equal($"the connect to 127.0.0.8:{otherPort}/tcp was refused 1× (port not allowed): the server's network allowlist permits only 127.0.0.8:{port}; "
                + "use one of those, or ask the user to allow the destination you need", line);
        }
        finally
        {
            File.Delete(policy);
        }
    }
}
