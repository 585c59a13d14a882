using System.Globalization;
using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>
/// A service with warm pools (python3, bash, c) beside one without: the same requests give the same documents, runs
/// that name no limits are warm by the pools' own counts, other limits run cold, and stopping leaves nothing behind.
/// </summary>
public sealed class WarmPoolTests(WarmPoolTests.Services services) : IClassFixture<WarmPoolTests.Services>
{
    /// <summary>The run uids the warm service's runs and members take: its own, so leftovers can be told apart.</summary>
    internal const uint FirstUid = 1879400000;
    internal const uint UidCount = 32;

    [Theory]
    [InlineData("python3", "main.py", "import os, sys\nprint(sys.stdin.read().upper(), os.getcwd(), sorted(os.listdir('.')), sys.argv[1:])")]
    [InlineData("python3", "main.py", "import sys\nsys.stderr.write('err\\n')\nsys.exit(3)")]
    [InlineData("bash", "main.sh", "cat; pwd; ls -A; unshare -U true; echo \"unshare: $?\"; echo made > out.txt; cat out.txt")]
    [InlineData("bash", "main.sh", "yes | head -c 2000000")]
    [InlineData("c", "main.c", "#include <stdio.h>\nint main(int c, char **v){char b[64]; if (fgets(b, sizeof b, stdin)) printf(\"%s\", b); printf(\"%d %s\\n\", 6*7, c > 1 ? v[1] : \"-\"); return 0;}")]
    public async Task A_warm_run_gives_the_document_a_cold_service_gives(string runtime, string path, string source)
    {
        string request = Request(runtime, path, source, ",\"stdin\":\"in put\\n\",\"argv\":[\"arg\"]");
        await services.WaitUntilReadyAsync(runtime);
        long warmBefore = (await services.PoolAsync(runtime)).GetProperty("warmRuns").GetInt64();
        var (warmStatus, warm, _) = await services.Warm.PostAsync("/v1/runs?wait=true", request);
        var (coldStatus, cold, _) = await services.Cold.PostAsync("/v1/runs?wait=true", request);
        Assert.True(warmStatus == 200, warm.ToString());
        Assert.True(coldStatus == 200, cold.ToString());
        Assert.Equal(warmBefore + 1, (await services.PoolAsync(runtime)).GetProperty("warmRuns").GetInt64());

        Assert.Equal(cold.GetProperty("state").GetString(), warm.GetProperty("state").GetString());
        JsonElement w = warm.GetProperty("run"), c = cold.GetProperty("run");
        foreach (string field in new[] { "outcome", "reason", "exitCode", "signal", "stdout", "stdoutBytes", "stdoutTruncated", "stderr", "limits" })
            Assert.True(Same(w, c, field), $"{field}: warm {Get(w, field)} cold {Get(c, field)}");
        Assert.Equal(Violations(c), Violations(w));
        if (runtime == "bash" && source.Contains("unshare", StringComparison.Ordinal)) Assert.NotEmpty(Violations(w));
        if (runtime == "c") Assert.True(Same(warm.GetProperty("compile"), cold.GetProperty("compile"), "reason"));
    }

    [Fact]
    public async Task The_next_run_sees_nothing_of_the_last_runs_files_or_processes()
    {
        await services.WaitUntilReadyAsync("python3");
        long warmBefore = (await services.PoolAsync("python3")).GetProperty("warmRuns").GetInt64();
        const string First = "import subprocess\nopen('secret.txt', 'w').write('first')\nsubprocess.Popen(['sleep', '30'], start_new_session=True)\nprint('left')";
        var (_, first, _) = await services.Warm.PostAsync("/v1/runs?wait=true", Request("python3", "main.py", First));
        Assert.Equal("left\n", first.GetProperty("run").GetProperty("stdout").GetString());

        await services.WaitUntilReadyAsync("python3");
        const string Second = "import os\nprint(sorted(os.listdir('.')), sorted(open(f'/proc/{p}/comm').read().strip() for p in os.listdir('/proc') if p.isdigit()))";
        var (_, second, _) = await services.Warm.PostAsync("/v1/runs?wait=true", Request("python3", "main.py", Second));
        string stdout = second.GetProperty("run").GetProperty("stdout").GetString()!;
        Assert.StartsWith("['main.py'] ", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sleep", stdout, StringComparison.Ordinal);
        Assert.Equal(warmBefore + 2, (await services.PoolAsync("python3")).GetProperty("warmRuns").GetInt64());
    }

    [Fact]
    public async Task A_request_with_other_limits_runs_cold_and_gets_its_limits()
    {
        await services.WaitUntilReadyAsync("python3");
        JsonElement before = await services.PoolAsync("python3");
        string request = Request("python3", "main.py", "print(sum(range(10)))", ",\"limits\":{\"memoryBytes\":104857600,\"cpuMs\":2000}");
        var (status, body, _) = await services.Warm.PostAsync("/v1/runs?wait=true", request);
        Assert.True(status == 200, body.ToString());
        JsonElement run = body.GetProperty("run");
        Assert.Equal("45\n", run.GetProperty("stdout").GetString());
        Assert.Equal(104857600, run.GetProperty("limits").GetProperty("memoryBytes").GetInt64());
        JsonElement after = await services.PoolAsync("python3");
        Assert.Equal(before.GetProperty("warmRuns").GetInt64(), after.GetProperty("warmRuns").GetInt64());
        Assert.Equal(before.GetProperty("coldRuns").GetInt64() + 1, after.GetProperty("coldRuns").GetInt64());
        // The member stayed for a run of its shape.
        Assert.Equal(1, after.GetProperty("idle").GetInt32());
    }

    [Fact]
    public async Task A_compile_error_leaves_the_leased_member_unused_and_torn_down()
    {
        await services.WaitUntilReadyAsync("c");
        JsonElement before = await services.PoolAsync("c");
        var (status, body, _) = await services.Warm.PostAsync("/v1/runs?wait=true", Request("c", "main.c", "int main(void) { return nope; }"));
        Assert.Equal(200, status);
        Assert.Equal("compile_failed", body.GetProperty("state").GetString());
        JsonElement after = await services.PoolAsync("c");
        // The lease took the member and never ran it: no run counted, and a new member is built in its place.
        Assert.Equal(before.GetProperty("warmRuns").GetInt64(), after.GetProperty("warmRuns").GetInt64());
        Assert.Equal(before.GetProperty("coldRuns").GetInt64(), after.GetProperty("coldRuns").GetInt64());
        await services.WaitUntilReadyAsync("c");
        Assert.True((await services.PoolAsync("c")).GetProperty("built").GetInt64() > before.GetProperty("built").GetInt64());
    }

    [Theory]
    [InlineData("[warm]\nruntimes = [\"wasm\"]\n", "does not run on the process tier")]
    [InlineData("[warm]\nruntimes = [\"python3\"]\nsize = 0\n", "give 1 to 64")]
    [InlineData("[warm]\nruntimes = [\"python3\"]\nsize = 8\nrun_uids = \"1879500000-1879500009\"\n", "unknown key")]
    [InlineData("run_uids = \"1879500000-1879500009\"\nconcurrency = 2\n[warm]\nruntimes = [\"python3\", \"bash\"]\nsize = 4\n", "needs up to 12 run uids")]
    public async Task A_warm_setting_that_cannot_work_is_refused_at_start(string config, string message)
    {
        string directory = Directory.CreateTempSubdirectory("cordon-serve-warm-config-").FullName;
        try
        {
            string path = Path.Combine(directory, "serve.toml");
            File.WriteAllText(path, config);
            var (code, _, stderr) = await ServeProcess.RunToExitAsync("--listen", "127.0.0.1:0", "--config", path);
            Assert.Equal(2, code);
            Assert.Contains(message, stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Request(string runtime, string path, string content, string extra = "")
        => JsonSerializer.Serialize(new Dictionary<string, object> { ["runtime"] = runtime, ["files"] = new[] { new Dictionary<string, string> { ["path"] = path, ["content"] = content } } })
            .TrimEnd('}') + extra + "}";

    private static string Get(JsonElement e, string field) => e.TryGetProperty(field, out JsonElement v) ? v.GetRawText() : "(absent)";

    private static bool Same(JsonElement a, JsonElement b, string field) => Get(a, field) == Get(b, field);

    private static List<string> Violations(JsonElement run)
        => [.. run.GetProperty("violations").EnumerateArray().Select(v => $"{Get(v, "kind")} {Get(v, "syscall")} {Get(v, "action")} {Get(v, "count")}")];

    /// <summary>The warm service (its own run uids) and a cold one; stopping them must leave nothing, uids included.</summary>
    public sealed class Services : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("cordon-serve-warm-").FullName;

        public ServeProcess Warm { get; private set; } = null!;
        public ServeProcess Cold { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            string config = Path.Combine(_directory, "serve.toml");
            File.WriteAllText(config, $"run_uids = \"{FirstUid}-{FirstUid + UidCount - 1}\"\nconcurrency = 2\n[warm]\nruntimes = [\"python3\", \"bash\", \"c\"]\nsize = 1\nidle = \"10m\"\n");
            Warm = await ServeProcess.StartAsync("--config", config);
            Cold = await ServeProcess.StartAsync("--concurrency", "2");
        }

        /// <summary>The pool's entry of <c>GET /v1/health</c>.</summary>
        public async Task<JsonElement> PoolAsync(string runtime)
        {
            var (_, health, _) = await Warm.SendAsync(HttpMethod.Get, "/v1/health");
            return health.GetProperty("warm").EnumerateArray().Single(p => p.GetProperty("runtime").GetString() == runtime);
        }

        /// <summary>Polls health (by count, with a generous safety net) until the runtime's member is ready.</summary>
        public async Task WaitUntilReadyAsync(string runtime)
        {
            JsonElement pool = default;
            for (int attempt = 0; attempt < 1500; attempt++)
            {
                pool = await PoolAsync(runtime);
                if (pool.GetProperty("idle").GetInt32() >= 1) return;
                await Task.Delay(40);
            }

            Assert.Fail($"the {runtime} pool never filled: {pool}");
        }

        public async Task DisposeAsync()
        {
            int warmCode = await Warm.StopAsync();
            int coldCode = await Cold.StopAsync();
            IReadOnlyList<string> left = [.. Warm.Leftovers(), .. Cold.Leftovers(), .. UidLeftovers()];
            string stderr = Warm.Stderr + Cold.Stderr;
            await Warm.DisposeAsync();
            await Cold.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
            Assert.True(warmCode == 0 && coldCode == 0, $"cordon-serve exited {warmCode}/{coldCode}: {stderr}");
            Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
        }

        /// <summary>Run uids of the warm service still held (a lock file not emptied) or with a process running as them.</summary>
        private static List<string> UidLeftovers()
        {
            List<string> left = [];
            for (uint uid = FirstUid; uid < FirstUid + UidCount; uid++)
            {
                string lockFile = $"/run/cordon/ids/{uid.ToString(CultureInfo.InvariantCulture)}";
                if (File.Exists(lockFile) && new FileInfo(lockFile).Length > 0) left.Add($"uid {uid} not given back");
            }

            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    string? line = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                    if (line is not null && uint.TryParse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
                        && uid >= FirstUid && uid < FirstUid + UidCount)
                        left.Add($"process {Path.GetFileName(dir)} runs as uid {uid}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }

            return left;
        }
    }
}
