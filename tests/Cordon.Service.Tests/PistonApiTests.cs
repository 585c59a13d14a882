using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>Piston's /api/v2 routes with the bodies Piston's own clients and tutorials send.</summary>
public sealed class PistonApiTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private ServeProcess Serve => fixture.Serve;

    [Fact]
    public async Task Runtimes_have_pistons_shape()
    {
        var (status, body, _) = await Serve.SendAsync(HttpMethod.Get, "/api/v2/runtimes");
        Assert.Equal(200, status);
        JsonElement python = body.EnumerateArray().Single(r => r.GetProperty("language").GetString() == "python");
        Assert.Matches(@"^\d+\.\d+", python.GetProperty("version").GetString());
        Assert.Contains("py", python.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(body.EnumerateArray(), r => r.GetProperty("language").GetString() == "javascript" && r.GetProperty("runtime").GetString() == "node");
    }

    [Fact]
    public async Task The_readme_example_of_piston_runs()
    {
        // As in Piston's documentation: every member, limits as numbers, -1 for "the default".
        string json = """
            {
              "language": "py",
              "version": "3.10.0",
              "files": [{ "name": "my_cool_code.py", "content": "import sys\nprint(sys.argv[1:])\nprint(input())" }],
              "stdin": "hello",
              "args": ["1", "2", "3"],
              "compile_timeout": 10000,
              "run_timeout": 3000,
              "compile_cpu_time": 10000,
              "run_cpu_time": 3000,
              "compile_memory_limit": -1,
              "run_memory_limit": -1
            }
            """;
        var (status, body, _) = await Serve.PostAsync("/api/v2/execute", json);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("python", body.GetProperty("language").GetString());
        JsonElement run = body.GetProperty("run");
        Assert.Equal("['1', '2', '3']\nhello\n", run.GetProperty("stdout").GetString());
        Assert.Equal(run.GetProperty("stdout").GetString(), run.GetProperty("output").GetString());
        Assert.Equal(0, run.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("signal").ValueKind);
        Assert.Equal(JsonValueKind.Null, run.GetProperty("status").ValueKind);
        Assert.True(run.GetProperty("wall_time").GetInt64() >= 0);
        Assert.Equal("exit.success", run.GetProperty("cordon_reason").GetString());
        Assert.False(body.TryGetProperty("compile", out _));
    }

    [Fact]
    public async Task A_minimal_client_body_with_an_unnamed_file_and_unknown_members_runs()
    {
        var (status, body, _) = await Serve.PostAsync("/api/v2/execute",
            """{"language":"javascript","version":"*","files":[{"content":"console.log(1+1)"}],"extra_field_of_some_client":true}""");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("2\n", body.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Cpp_has_a_compile_stage_and_a_run_stage()
    {
        var (status, body, _) = await Serve.PostAsync("/api/v2/execute",
            """{"language":"c++","version":"*","files":[{"name":"main.cpp","content":"#include <cstdio>\nint main(){std::puts(\"ok\");return 4;}"}]}""");
        Assert.True(status == 200, body.ToString());
        Assert.Equal(0, body.GetProperty("compile").GetProperty("code").GetInt32());
        JsonElement run = body.GetProperty("run");
        Assert.Equal("ok\n", run.GetProperty("stdout").GetString());
        Assert.Equal(4, run.GetProperty("code").GetInt32());
        Assert.Equal("RE", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_compile_error_has_no_run_stage()
    {
        var (status, body, _) = await Serve.PostAsync("/api/v2/execute", """{"language":"c","version":"*","files":[{"content":"int main( {"}]}""");
        Assert.Equal(200, status);
        Assert.Equal("RE", body.GetProperty("compile").GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Object, body.GetProperty("run").ValueKind);
    }

    [Fact]
    public async Task A_timeout_is_TO_and_a_signal_is_SG()
    {
        var (_, body, _) = await Serve.PostAsync("/api/v2/execute",
            """{"language":"python","version":"*","files":[{"content":"while True: pass"}],"run_timeout":1000,"run_cpu_time":500}""");
        Assert.Equal("TO", body.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("SIGKILL", body.GetProperty("run").GetProperty("signal").GetString());

        (_, body, _) = await Serve.PostAsync("/api/v2/execute", """{"language":"bash","version":"*","files":[{"content":"kill -SEGV $$"}]}""");
        Assert.Equal("SG", body.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("SIGSEGV", body.GetProperty("run").GetProperty("signal").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("run").GetProperty("code").ValueKind);
    }

    [Theory]
    [InlineData("""{"language":"brainfuck","version":"*","files":[{"content":""}]}""", "runtime is unknown")]
    [InlineData("""{"version":"*","files":[{"content":""}]}""", "language is required")]
    [InlineData("""{"language":"python","version":"*"}""", "files is required")]
    [InlineData("""{"language":"python","version":"*","files":[{"content":""}],"run_timeout":999999999}""", "this server's ceiling")]
    public async Task Bad_bodies_get_a_message(string json, string message)
    {
        var (status, body, _) = await Serve.PostAsync("/api/v2/execute", json);
        Assert.InRange(status, 400, 422);
        Assert.Contains(message, body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
