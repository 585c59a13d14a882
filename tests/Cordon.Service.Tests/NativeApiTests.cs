using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>The /v1 API against a real cordon-serve: runs of every runtime, the asynchronous form, its events, cancel.</summary>
public sealed class NativeApiTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private ServeProcess Serve => fixture.Serve;

    private static string Run(string runtime, string path, string content, string extra = "")
        => JsonSerializer.Serialize(new Dictionary<string, object> { ["runtime"] = runtime, ["files"] = new[] { new Dictionary<string, string> { ["path"] = path, ["content"] = content } } })
            .TrimEnd('}') + extra + "}";

    [Fact]
    public async Task Python_runs_with_stdin_and_arguments_and_returns_the_result_document()
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true",
            Run("python3", "main.py", "import sys\nprint(input() * 2, sys.argv[1:])", ",\"stdin\":\"ab\\n\",\"argv\":[\"x\",\"y\"]"));
        Assert.Equal(200, status);
        Assert.Equal("finished", body.GetProperty("state").GetString());
        JsonElement run = body.GetProperty("run");
        Assert.Equal("cordon.result/1", run.GetProperty("schema").GetString());
        Assert.Equal("exit.success", run.GetProperty("reason").GetString());
        Assert.Equal("abab ['x', 'y']\n", run.GetProperty("stdout").GetString());
    }

    [Theory]
    [InlineData("bash", "main.sh", "echo $((6*7))", "42\n")]
    [InlineData("node", "main.js", "console.log([1,2].map(x => x * 21).join(','))", "21,42\n")]
    [InlineData("js", "main.js", "console.log(6 * 7)", "42\n")]
    [InlineData("c", "main.c", "#include <stdio.h>\nint main(void){printf(\"%d\\n\", 6*7);return 0;}", "42\n")]
    [InlineData("c++", "main.cpp", "#include <iostream>\nint main(){std::cout << 6*7 << std::endl;}", "42\n")]
    public async Task Each_runtime_runs(string runtime, string path, string source, string expected)
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", Run(runtime, path, source));
        Assert.True(status == 200, body.ToString());
        Assert.Equal(expected, body.GetProperty("run").GetProperty("stdout").GetString());
        if (runtime is "c" or "c++") Assert.Equal("exit.success", body.GetProperty("compile").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Wasm_runs_a_base64_module()
    {
        // (module (func (export "_start"))): a module that does nothing and exits 0.
        byte[] module = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 0x0a, 1, 6, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0, 0, 0x0a, 4, 1, 2, 0, 0x0b];
        string json = $"{{\"runtime\":\"wasm\",\"files\":[{{\"path\":\"main.wasm\",\"content\":\"{Convert.ToBase64String(module)}\",\"encoding\":\"base64\"}}]}}";
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", json);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("exit.success", body.GetProperty("run").GetProperty("reason").GetString());
        Assert.Equal("wasm", body.GetProperty("run").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_compile_error_is_its_own_outcome_and_nothing_runs()
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", Run("c", "main.c", "int main(void) { return nope; }"));
        Assert.Equal(200, status);
        Assert.Equal("compile_failed", body.GetProperty("state").GetString());
        Assert.Equal("exit.failure", body.GetProperty("compile").GetProperty("reason").GetString());
        Assert.Contains("nope", body.GetProperty("compile").GetProperty("stderr").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("run", out _));
    }

    [Fact]
    public async Task Uploaded_files_are_in_the_work_directory_and_host_files_and_network_are_not_there()
    {
        string json = """
            {"runtime":"python3","files":[
              {"path":"main.py","content":"import os, socket\nprint(open('lib/data.txt').read())\nprint(os.path.exists('/etc/shadow'), os.path.exists('/root'))\ntry:\n  socket.create_connection(('1.1.1.1', 53), timeout=2); print('net')\nexcept OSError: print('no net')"},
              {"path":"lib/data.txt","content":"aGVsbG8=","encoding":"base64"}]}
            """;
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", json);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("hello\nFalse False\nno net\n", body.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task An_asynchronous_run_is_accepted_then_read_by_id()
    {
        var (status, body, response) = await Serve.PostAsync("/v1/runs", Run("bash", "main.sh", "echo later"));
        Assert.Equal(202, status);
        string id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/runs/{id}", response.Headers.Location?.OriginalString);
        JsonElement view = default;
        for (int i = 0; i < 600; i++)
        {
            (_, view, _) = await Serve.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
            if (view.GetProperty("state").GetString() == "finished") break;
            await Task.Delay(100);
        }

        Assert.Equal("later\n", view.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Events_stream_output_before_the_run_ends()
    {
        var (_, body, _) = await Serve.PostAsync("/v1/runs", Run("python3", "main.py", "import sys, time\nprint('first', flush=True)\ntime.sleep(3)\nprint('second')"));
        string id = body.GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/runs/{id}/events");
        using HttpResponseMessage response = await Serve.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        List<string> events = [];
        bool outputBeforeEnd = false;
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(name!);
                if (name == "output" && line.Contains("first", StringComparison.Ordinal))
                {
                    // The run is still going (it sleeps): the service says so while the chunk is already here.
                    var (_, view, _) = await Serve.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
                    outputBeforeEnd = view.GetProperty("state").GetString() == "running";
                }
            }
        }

        Assert.True(outputBeforeEnd, string.Join(",", events));
        Assert.Equal("started", events[0]);
        Assert.Equal(["finished", "done"], events[^2..]);
    }

    [Fact]
    public async Task Delete_cancels_a_running_run_with_a_result()
    {
        var (_, body, _) = await Serve.PostAsync("/v1/runs", Run("python3", "main.py", "import time\nprint('up', flush=True)\ntime.sleep(50)"));
        string id = body.GetProperty("id").GetString()!;
        for (int i = 0; i < 600; i++)
        {
            var (_, v, _) = await Serve.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
            if (v.GetProperty("state").GetString() == "running") break;
            await Task.Delay(50);
        }

        var (status, view, _) = await Serve.SendAsync(HttpMethod.Delete, $"/v1/runs/{id}");
        Assert.Equal(200, status);
        Assert.Equal("canceled", view.GetProperty("state").GetString());
        Assert.Equal("canceled", view.GetProperty("run").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Runtimes_and_health_are_listed()
    {
        var (status, runtimes, _) = await Serve.SendAsync(HttpMethod.Get, "/v1/runtimes");
        Assert.Equal(200, status);
        string[] names = [.. runtimes.EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];
        Assert.Subset(new HashSet<string>(names), new HashSet<string> { "python3", "node", "bash", "c", "c++", "js", "wasm" });
        var (healthStatus, health, _) = await Serve.SendAsync(HttpMethod.Get, "/v1/health");
        Assert.Equal(200, healthStatus);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(["process", "wasm", "js", "gvisor"], health.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        JsonElement gvisor = health.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "gvisor");
        Assert.True(gvisor.GetProperty("status").GetString() == "available", $"runsc is installed by scripts/install-deps.sh: {gvisor}");
        JsonElement python = runtimes.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "python3");
        Assert.Equal(["process", "gvisor"], python.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()!));
        JsonElement js = runtimes.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "js");
        Assert.Equal(["js"], js.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()!));
    }

    [Fact]
    public async Task Tier_gvisor_runs_a_runtime_a_compiled_program_and_a_bare_command_under_the_sentry()
    {
        string python = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["tier"] = "gvisor",
            ["files"] = new[]
            {
                new Dictionary<string, string> { ["path"] = "main.py", ["content"] = "import os\nprint(input(), open('/work/data.txt').read(), os.uname().release, sep='|')" },
                new Dictionary<string, string> { ["path"] = "data.txt", ["content"] = "from a file" },
            },
            ["stdin"] = "hi\n",
        });
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", python);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("gvisor", body.GetProperty("tier").GetString());
        JsonElement run = body.GetProperty("run");
        Assert.Equal(("gvisor", "exit.success"), (run.GetProperty("tier").GetString(), run.GetProperty("reason").GetString()));
        string[] fields = run.GetProperty("stdout").GetString()!.TrimEnd('\n').Split('|');
        Assert.Equal(["hi", "from a file"], fields[..2]);
        // gVisor's Sentry answers uname with a kernel release of its own, not the host's.
        Assert.NotEqual((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), fields[2]);

        (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true",
            Run("c", "main.c", "#include <stdio.h>\nint main(void){puts(\"compiled\");return 0;}", ",\"tier\":\"gvisor\""));
        Assert.True(status == 200, body.ToString());
        Assert.Equal(("gvisor", "exit.success"), (body.GetProperty("compile").GetProperty("tier").GetString(), body.GetProperty("compile").GetProperty("reason").GetString()));
        Assert.Equal(("gvisor", "compiled\n"), (body.GetProperty("run").GetProperty("tier").GetString(), body.GetProperty("run").GetProperty("stdout").GetString()));

        (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", """{"tier":"gvisor","argv":["/bin/sh","-c","echo bare"]}""");
        Assert.True(status == 200, body.ToString());
        Assert.Equal(("gvisor", "bare\n"), (body.GetProperty("run").GetProperty("tier").GetString(), body.GetProperty("run").GetProperty("stdout").GetString()));
    }

    [Fact]
    public async Task An_unknown_run_is_a_404_problem()
    {
        var (status, body, response) = await Serve.SendAsync(HttpMethod.Get, "/v1/runs/0123");
        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:cordon:problem:run-not-found", body.GetProperty("type").GetString());
    }

    public static TheoryData<string, int, string> BadRequests => new()
    {
        { "not json", 400, "not a valid request" },
        { "", 400, "empty" },
        { "{\"runtime\":\"python3\",\"filez\":[]}", 400, "filez" },
        { "{\"runtime\":42}", 400, "runtime" },
        { "{\"runtime\":\"cobol\",\"files\":[{\"path\":\"a\",\"content\":\"\"}]}", 422, "runtime 'cobol' is not offered" },
        { "{\"runtime\":\"python3\"}", 422, "at least one file" },
        { "{\"runtime\":\"python3\",\"tier\":\"wasm\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}]}", 422, "tier 'wasm' cannot run runtime 'python3' here; give process or gvisor" },
        { "{\"runtime\":\"js\",\"tier\":\"gvisor\",\"files\":[{\"path\":\"a.js\",\"content\":\"\"}]}", 422, "tier 'gvisor' cannot run runtime 'js' here; give js" },
        { "{\"tier\":\"js\",\"argv\":[\"/bin/true\"]}", 422, "tier 'js' cannot run a bare command (argv) here" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"/etc/passwd\",\"content\":\"\"}]}", 422, "is absolute" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"../x.py\",\"content\":\"\"}]}", 422, "contains . or .." },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a//b.py\",\"content\":\"\"}]}", 422, "empty segment" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"},{\"path\":\"a.py\",\"content\":\"\"}]}", 422, "uploaded twice" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"@@\",\"encoding\":\"base64\"}]}", 422, "not valid base64" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\",\"encoding\":\"latin1\"}]}", 422, "is not utf8 or base64" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}],\"entry\":\"b.py\"}", 422, "entry 'b.py'" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}],\"limits\":{\"timeMs\":3600000}}", 422, "limits.timeMs is 3600000" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}],\"limits\":{\"memoryBytes\":1099511627776}}", 422, "limits.memoryBytes" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}],\"limits\":{\"pids\":0}}", 422, "limits.pids is 0" },
        { "{\"runtime\":\"python3\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}],\"argv\":[\"a\\u0000b\"]}", 422, "NUL" },
        { "{\"runtime\":\"c\",\"files\":[{\"path\":\"a.py\",\"content\":\"\"}]}", 422, "compiles files ending in .c" },
        { "{\"runtime\":\"js\",\"files\":[{\"path\":\"a.js\",\"content\":\"\"}],\"stdin\":\"x\"}", 422, "takes no stdin" },
        { "{}", 422, "name a runtime" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Every_bad_request_is_one_precise_problem(string json, int expected, string detail)
    {
        var (status, body, response) = await Serve.PostAsync("/v1/runs?wait=true", json);
        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, body.GetProperty("status").GetInt32());
        Assert.Contains(detail, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_requests_files_and_argv_are_refused()
    {
        string big = new('x', 5 * 1024 * 1024);
        var (status, body, _) = await Serve.PostAsync("/v1/runs", $"{{\"runtime\":\"python3\",\"files\":[{{\"path\":\"a.py\",\"content\":\"{big}\"}}]}}");
        Assert.Equal(422, status);
        Assert.Contains("larger than", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        string file = new('x', 1024 * 1024 + 1);
        (status, body, _) = await Serve.PostAsync("/v1/runs", $"{{\"runtime\":\"python3\",\"files\":[{{\"path\":\"a.py\",\"content\":\"{file}\"}}]}}");
        Assert.Equal(422, status);
        Assert.Contains("per file", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        string argv = string.Join(",", Enumerable.Repeat("\"a\"", 65));
        (status, body, _) = await Serve.PostAsync("/v1/runs", $"{{\"runtime\":\"python3\",\"files\":[{{\"path\":\"a.py\",\"content\":\"\"}}],\"argv\":[{argv}]}}");
        Assert.Equal(422, status);
        Assert.Contains("at most 64", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        string files = string.Join(",", Enumerable.Range(0, 33).Select(i => $"{{\"path\":\"f{i}\",\"content\":\"\"}}"));
        (status, body, _) = await Serve.PostAsync("/v1/runs", $"{{\"runtime\":\"python3\",\"files\":[{files}]}}");
        Assert.Equal(422, status);
        Assert.Contains("at most 32", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_the_guest_hits_is_named()
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true",
            Run("python3", "main.py", "while True: pass", ",\"limits\":{\"cpuMs\":500,\"timeMs\":20000}"));
        Assert.Equal(200, status);
        Assert.Equal("limit.cpu_time", body.GetProperty("run").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Unused_content_type_header_does_not_matter_for_curl_style_clients()
    {
        using var content = new StringContent(Run("bash", "main.sh", "echo ok"), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using HttpResponseMessage response = await Serve.Client.PostAsync("/v1/runs?wait=true", content);
        Assert.Equal(200, (int)response.StatusCode);
    }
}
