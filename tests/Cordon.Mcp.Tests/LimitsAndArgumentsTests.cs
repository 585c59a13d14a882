using System.Text.Json;
using Cordon.Mcp.Tests.Support;
using ModelContextProtocol;

namespace Cordon.Mcp.Tests;

/// <summary>Each limit hit and explained; a call above the server's ceiling, or with malformed arguments, is a JSON-RPC error naming the field.</summary>
public sealed class LimitsAndArgumentsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private McpServerProcess Server => fixture.Server;

    [Theory]
    [InlineData("while :; do :; done", "time", "1s", "limit.wall_time", "limits.time")]
    [InlineData("while :; do :; done", "cpu", "1s", "limit.cpu_time", "limits.cpu")]
    [InlineData("yes | head -c 100000000", "output", "4K", "exit.success", "stdout was cut")]
    public async Task Each_limit_is_hit_and_explained(string code, string limit, string value, string reason, string explanation)
    {
        var limits = new Dictionary<string, object> { [limit] = value };
        if (limit == "cpu") limits["time"] = "20s";
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "shell", code, limits });
        Assert.Equal(reason, reply.Result().Str("reason"));
        Assert.Contains(reply.Explanations(), l => l.Contains(explanation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_memory_limit_is_hit_and_explained()
    {
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "python", code = "b = bytearray(200 * 1024 * 1024)\nprint(len(b))", limits = new { memory = "32M" } });
        JsonElement result = reply.Result();
        Assert.True(result.Str("reason") == "limit.memory" || result.GetProperty("stderr").GetString()!.Contains("MemoryError", StringComparison.Ordinal), result.GetRawText());
        if (result.Str("reason") == "limit.memory") Assert.Contains(reply.Explanations(), l => l.Contains("limits.memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_process_limit_is_hit_and_explained()
    {
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "shell", code = "for i in $(seq 1 50); do sleep 5 & done; wait", limits = new { pids = 8, time = "20s" } });
        JsonElement result = reply.Result();
        Assert.True(result.GetProperty("processLimitHit").GetBoolean(), result.GetRawText());
    }

    [Fact]
    public async Task The_js_tiers_limits_apply_too()
    {
        JsonElement reply = await Server.CallJsonAsync("run", new { runtime = "js", code = "for (;;) {}", limits = new { time = "1s" } });
        Assert.StartsWith("limit.", reply.Result().Str("reason"), StringComparison.Ordinal);
        Assert.NotEmpty(reply.Explanations());
    }

    [Theory]
    [InlineData("time", "10m", "limits.time")]
    [InlineData("memory", "8G", "limits.memory")]
    [InlineData("output", "1G", "limits.output")]
    public async Task A_limit_above_the_ceiling_is_refused_naming_the_field_and_the_ceiling(string limit, string value, string field)
    {
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("run", new { runtime = "shell", code = "true", limits = new Dictionary<string, string> { [limit] = value } }));
        Assert.Equal(McpErrorCode.InvalidParams, e.ErrorCode);
        Assert.Contains($"'{field}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("ceiling", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_cannot_open_a_door_the_server_keeps_closed()
    {
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("run", new { runtime = "shell", code = "true", network = "host" }));
        Assert.Equal(McpErrorCode.InvalidParams, e.ErrorCode);
        Assert.Contains("'network'", e.Message, StringComparison.Ordinal);
        var mounts = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("run", new { runtime = "shell", code = "true", limits = new { rw = "/" } }));
        Assert.Contains("'limits.rw'", mounts.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"runtime": 3, "code": "x"}""", "'runtime'")]
    [InlineData("""{"runtime": "cobol", "code": "x"}""", "'runtime'")]
    [InlineData("""{"runtime": "python"}""", "'code'")]
    [InlineData("""{"code": "x"}""", "'runtime'")]
    [InlineData("""{"runtime": "python", "tier": "process", "code": "x"}""", "'tier'")]
    [InlineData("""{"tier": "process"}""", "'argv'")]
    [InlineData("""{"tier": "process", "argv": []}""", "'argv'")]
    [InlineData("""{"tier": "process", "argv": ["ls", 7]}""", "'argv[1]'")]
    [InlineData("""{"runtime": "shell", "code": "x", "files": {"a": 1}}""", "'files.a'")]
    [InlineData("""{"runtime": "shell", "code": "x", "files": {"../escape": "x"}}""", "'files.../escape'")]
    [InlineData("""{"runtime": "shell", "code": "x", "files": {"/etc/passwd": "x"}}""", "'files./etc/passwd'")]
    [InlineData("""{"runtime": "shell", "code": "x", "limits": {"time": "soon"}}""", "'limits.time'")]
    [InlineData("""{"runtime": "shell", "code": "x", "limits": {"pids": "many"}}""", "'limits.pids'")]
    [InlineData("""{"runtime": "shell", "code": "x", "limits": 5}""", "'limits'")]
    [InlineData("""{"runtime": "shell", "code": "x", "stdin": {"a": 1}}""", "'stdin'")]
    public async Task Malformed_arguments_are_a_json_rpc_error_naming_the_field(string arguments, string field)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments)!;
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("run", values));
        Assert.Equal(McpErrorCode.InvalidParams, e.ErrorCode);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_tool_is_a_json_rpc_error_naming_the_tools()
    {
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => Server.CallAsync("exec", new { code = "x" }));
        Assert.Contains("session_run", e.Message, StringComparison.Ordinal);
    }
}
