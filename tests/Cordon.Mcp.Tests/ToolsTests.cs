using System.Text.Json;
using Cordon.Mcp.Tests.Support;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Cordon.Mcp.Tests;

/// <summary>tools/list, each run tier, hostile code with its refusals named, progress, and concurrent calls.</summary>
public sealed class ToolsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private McpServerProcess Server => fixture.Server;

    [Fact]
    public async Task Tools_list_names_every_tool_with_a_schema_that_refuses_unknown_fields()
    {
        IList<McpClientTool> tools = await Server.Client.ListToolsAsync();
        Assert.Equal(["audit_policy", "list_files", "read_file", "run", "session_run", "session_start", "session_stop", "write_file"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (McpClientTool tool in tools)
        {
            JsonElement schema = tool.ProtocolTool.InputSchema;
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
        }

        JsonElement run = tools.Single(t => t.Name == "run").ProtocolTool.InputSchema.GetProperty("properties");
        Assert.Equal(["python", "shell", "node", "js", "wasm"], run.GetProperty("runtime").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.False(run.TryGetProperty("network", out _));
    }

    [Fact]
    public async Task Docs_mcp_md_shows_every_schema_exactly_as_tools_list_returns_it()
    {
        string docs = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "mcp.md"));
        int heading = docs.IndexOf("### The JSON schemas", StringComparison.Ordinal);
        int start = docs.IndexOf("```json\n", heading, StringComparison.Ordinal) + "```json\n".Length;
        var documented = System.Text.Json.Nodes.JsonNode.Parse(docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)])!.AsObject();
        IList<McpClientTool> tools = await Server.Client.ListToolsAsync();
        Assert.Equal(tools.Select(t => t.Name).Order(StringComparer.Ordinal), documented.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (McpClientTool tool in tools)
        {
            var live = System.Text.Json.Nodes.JsonNode.Parse(tool.ProtocolTool.InputSchema.GetRawText());
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(live, documented[tool.Name]), $"docs/mcp.md's schema of {tool.Name} differs from tools/list: {live!.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Run_python_returns_the_result_document_with_its_output_marked_untrusted()
    {
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "python", code = "import sys\nprint(sum(range(10)))\nprint('oops', file=sys.stderr)" });
        JsonElement result = reply.Result();
        Assert.Equal("cordon.result/1", result.Str("schema"));
        Assert.Equal("process", result.Str("tier"));
        Assert.Equal("exit.success", result.Str("reason"));
        Assert.Equal("45\n", result.Str("stdout"));
        Assert.Equal("oops\n", result.Str("stderr"));
        Assert.Contains("untrusted", reply.Str("untrusted"), StringComparison.Ordinal);
        Assert.Empty(reply.Explanations());
    }

    [Fact]
    public async Task Hostile_code_has_every_refusal_named_and_explained()
    {
        const string code = """
            import socket, ctypes, os
            try:
                socket.create_connection(("1.1.1.1", 80), timeout=2)
            except OSError as e:
                print("net", e.errno)
            libc = ctypes.CDLL(None)
            print("ptrace", libc.ptrace(0, 0, 0, 0))
            print("mount", libc.mount(b"none", b"/mnt", b"tmpfs", 0, None))
            print("home", os.path.exists("/root"), os.path.exists("/etc/shadow"))
            """;
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "python", code });
        JsonElement result = reply.Result();
        string[] refused = [.. result.GetProperty("violations").EnumerateArray().Select(v => v.Str("syscall"))];
        Assert.Contains("socket", refused);
        Assert.Contains("ptrace", refused);
        Assert.Contains("mount", refused);
        string[] lines = [.. reply.Explanations()];
        Assert.Contains(lines, l => l.Contains("system call socket", StringComparison.Ordinal) && l.Contains("network is off", StringComparison.Ordinal) && l.Contains("ask the user", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("system call ptrace", StringComparison.Ordinal) && l.Contains("syscall profile", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("system call mount", StringComparison.Ordinal));
        Assert.Contains("home False False", result.Str("stdout"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_shell_with_files_and_stdin_sees_them_in_work()
    {
        JsonElement result = (await Server.CallJsonAsync("run", new
        {
            runtime = "shell",
            code = "cat data/in.txt; tr a-z A-Z; pwd",
            files = new Dictionary<string, string> { ["data/in.txt"] = "from a file\n" },
            stdin = "from stdin\n",
        })).Result();
        Assert.Equal("exit.success", result.Str("reason"));
        Assert.Equal("from a file\nFROM STDIN\n/work\n", result.Str("stdout"));
    }

    [Fact]
    public async Task Run_js_and_wasm_use_their_own_tiers()
    {
        JsonElement js = (await Server.CallJsonAsync("run", new { runtime = "js", code = "console.log(6 * 7)" })).Result();
        Assert.Equal(("js", "exit.success", "42\n"), (js.Str("tier"), js.Str("reason"), js.Str("stdout")));

        JsonElement trap = await Server.CallJsonAsync("run", new { runtime = "wasm", code = """(module (func (export "_start") unreachable))""" });
        Assert.Equal("wasm", trap.Result().Str("tier"));
        Assert.Equal("trap.unreachable", trap.Result().Str("reason"));
        Assert.Contains(trap.Explanations(), l => l.Contains("trapped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tier_gvisor_runs_code_under_the_sentry_and_sees_its_files_in_work()
    {
        Assert.True(File.Exists("/usr/bin/runsc"), "runsc is missing: scripts/install-deps.sh installs it");
        JsonElement result = (await Server.CallJsonAsync("run", new
        {
            tier = "gvisor",
            code = "cat /work/in.txt; echo written > /work/out.txt && cat /work/out.txt; uname -r",
            files = new Dictionary<string, string> { ["in.txt"] = "from a file\n" },
        })).Result();
        Assert.Equal(("gvisor", "exit.success"), (result.Str("tier"), result.Str("reason")));
        string[] lines = result.Str("stdout").Split('\n');
        Assert.Equal(["from a file", "written"], lines[..2]);
        // gVisor's Sentry answers uname with its own kernel release, not the host's.
        Assert.NotEqual((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), lines[2]);
    }

    [Fact]
    public async Task Javascript_denials_are_explained()
    {
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "js", code = "try { require('fs') } catch (e) { console.log('no') }" });
        JsonElement js = reply.Result().GetProperty("js");
        Assert.NotEmpty(js.GetProperty("denials").EnumerateArray());
        Assert.Contains(reply.Explanations(), l => l.StartsWith("the JavaScript tier refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_run_sends_its_output_as_progress_notifications_while_it_runs()
    {
        var chunks = new List<string>();
        var progress = new SynchronousProgress(v => { lock (chunks) chunks.Add(v.Message ?? ""); });
        JsonElement result = (await Server.CallJsonAsync("run", new { runtime = "shell", code = "for i in 1 2 3; do echo tick $i; sleep 0.3; done" }, progress)).Result();
        Assert.Equal("exit.success", result.Str("reason"));
        // The server sends every notification before the reply, but the client SDK hands notifications to their
        // handler on its own tasks, so the last one may reach the list just after the call returns: poll briefly.
        string Seen() { lock (chunks) return string.Concat(chunks); }
        await McpServerProcess.PollUntilAsync(() => Seen().Contains("tick 3", StringComparison.Ordinal), 20);
        string all = Seen();
        Assert.Contains("stdout: tick 1", all, StringComparison.Ordinal);
        Assert.Contains("tick 3", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_runs_never_share_a_workspace()
    {
        Task<JsonElement>[] runs = [.. Enumerable.Range(0, 6).Select(i => Server.CallJsonAsync("run", new
        {
            runtime = "shell",
            code = $"echo {i} > mine-{i}; sleep 0.2; ls /work",
        }))];
        JsonElement[] results = await Task.WhenAll(runs);
        for (int i = 0; i < results.Length; i++)
        {
            JsonElement r = results[i].Result();
            Assert.Equal("exit.success", r.Str("reason"));
            Assert.Equal($"mine-{i}\n", r.Str("stdout"));
        }

        Assert.Equal(6, results.Select(r => r.Result().Str("runId")).Distinct().Count());
    }

    [Fact]
    public async Task Audit_policy_returns_the_score_and_findings_and_names_policy_errors()
    {
        JsonElement closed = await Server.CallJsonAsync("audit_policy", new { policy = "extends = \"minimal\"\n" });
        Assert.True(closed.GetProperty("valid").GetBoolean());
        JsonElement open = await Server.CallJsonAsync("audit_policy", new { policy = "system_dirs = true\nnetwork = \"loopback\"\n[syscalls]\ndeny = [\"ptrace\"]\n" });
        Assert.True(open.GetProperty("score").GetDouble() > closed.GetProperty("score").GetDouble());
        Assert.Contains(open.GetProperty("dimensions").EnumerateArray().SelectMany(d => d.GetProperty("findings").EnumerateArray()),
            f => f.Str("key").StartsWith("syscalls", StringComparison.Ordinal));
        // extends may name a built-in profile; a path resolves in an empty directory, never in the server's own.
        JsonElement path = (await Server.CallAsync("audit_policy", new { policy = "extends = \"../../etc/cordon.toml\"\n" })).StructuredContent!.Value;
        Assert.False(path.GetProperty("valid").GetBoolean());

        CallToolResult bad = await Server.CallAsync("audit_policy", new { policy = "limits = 3\nbogus = true\n" });
        Assert.True(bad.IsError);
        JsonElement errors = bad.StructuredContent!.Value;
        Assert.False(errors.GetProperty("valid").GetBoolean());
        Assert.NotEmpty(errors.GetProperty("errors").EnumerateArray());
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this reports on the caller's thread so nothing arrives late.</summary>
    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
