using System.Globalization;
using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>--config FILE, the per-key CPU quota and largest limits, and the per-run host uids.</summary>
public sealed class ConfigTests : IDisposable
{
    private const string Alice = "alice-config-secret";
    private const string Bob = "bob-config-secret";
    private readonly string _directory = Directory.CreateTempSubdirectory("cordon-serve-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Hash(string secret)
        => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private static string Python(string source, string? limits = null, params string[] argv)
        => $$"""{"runtime":"python3","files":[{"path":"main.py","content":{{JsonSerializer.Serialize(source)}}}],"argv":{{JsonSerializer.Serialize(argv)}}{{(limits is null ? "" : ",\"limits\":" + limits)}}}""";

    [Fact]
    public async Task Every_problem_in_a_config_file_is_named_with_its_line()
    {
        string path = Write("bad.toml", """
            listen = "127.0.0.1:2000"
            lisen = "x"
            runtimes = ["python3", "cobol"]
            [ceilings]
            time = "ten seconds"
            memroy = "1G"
            """);
        var (code, _, stderr) = await ServeProcess.RunToExitAsync("--config", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:2:1: lisen: unknown key 'lisen' in the top level", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:3:", stderr, StringComparison.Ordinal);
        Assert.Contains("cobol", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:5:", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:6:1: memroy: unknown key 'memroy' in [ceilings]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_file_sets_runtimes_ceilings_and_keys()
    {
        Write("keys.txt", $"alice {Hash(Alice)} max_time=2s max_memory=64M\n");
        string path = Write("serve.toml", """
            api_keys = "keys.txt"
            runtimes = ["python3", "bash"]
            [ceilings]
            time = "5s"
            """);
        await using ServeProcess serve = await ServeProcess.StartAsync("--config", path);
        var (_, runtimes, _) = await serve.SendAsync(HttpMethod.Get, "/v1/runtimes", Alice);
        Assert.Equal(["python3", "bash"], runtimes.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(401, (await serve.SendAsync(HttpMethod.Get, "/v1/runtimes")).Status);

        // The server's ceiling: a 422 naming it.
        var (status, problem, _) = await serve.PostAsync("/v1/runs", Python("print(1)", """{"timeMs": 6000}"""), Alice);
        Assert.Equal(422, status);
        Assert.Equal("limits.timeMs", problem.GetProperty("field").GetString());

        // The key's largest limit: a 403 naming it; a default above it is lowered to it.
        (status, problem, _) = await serve.PostAsync("/v1/runs", Python("print(1)", """{"timeMs": 3000}"""), Alice);
        Assert.Equal(403, status);
        Assert.Equal("urn:cordon:problem:limit-forbidden", problem.GetProperty("type").GetString());
        Assert.Equal("limits.timeMs", problem.GetProperty("field").GetString());
        (status, problem, _) = await serve.PostAsync("/v1/runs", Python("print(1)", """{"memoryBytes": 134217728}"""), Alice);
        Assert.Equal(403, status);
        Assert.Equal("limits.memoryBytes", problem.GetProperty("field").GetString());
        var (ok, view, _) = await serve.PostAsync("/v1/runs?wait=true", Python("print(1)"), Alice);
        Assert.Equal(200, ok);
        Assert.Equal("2s", view.GetProperty("run").GetProperty("limits").GetProperty("time").GetString());
        Assert.Equal(64 * 1024 * 1024, view.GetProperty("run").GetProperty("limits").GetProperty("memoryBytes").GetInt64());
        (status, problem, _) = await serve.PostAsync("/v1/runs", """{"runtime":"node","files":[{"path":"a.js","content":"1"}]}""", Alice);
        Assert.Equal(422, status);
        Assert.Equal(0, await serve.StopAsync());
        Assert.Empty(serve.Leftovers());
    }

    [Fact]
    public async Task The_cpu_quota_is_charged_from_measured_cpu_and_answers_429()
    {
        Write("keys.txt", $"alice {Hash(Alice)} cpu_per_hour=1\nbob {Hash(Bob)}\n");
        string path = Write("serve.toml", "api_keys = \"keys.txt\"\n");
        await using ServeProcess serve = await ServeProcess.StartAsync("--config", path);
        // Busy until it has used well over a CPU second (by its own clock), within a 3 s CPU budget.
        var (status, view, _) = await serve.PostAsync("/v1/runs?wait=true",
            Python("import time\nt = time.process_time()\nwhile time.process_time() - t < 1.3: pass\nprint('spent')", """{"cpuMs": 3000, "timeMs": 30000}"""), Alice);
        Assert.Equal(200, status);
        Assert.Equal("spent\n", view.GetProperty("run").GetProperty("stdout").GetString());
        Assert.True(view.GetProperty("run").GetProperty("cpuTimeMs").GetDouble() >= 1000);

        var (refused, problem, response) = await serve.PostAsync("/v1/runs", Python("print(1)"), Alice);
        Assert.Equal(429, refused);
        Assert.Equal("urn:cordon:problem:quota-cpu", problem.GetProperty("type").GetString());
        int retryAfter = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 1, 3600);
        // Another tenant is not charged for it.
        Assert.Equal(200, (await serve.PostAsync("/v1/runs?wait=true", Python("print(1)"), Bob)).Status);
        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task Concurrent_tenants_never_share_a_host_uid_from_the_pool()
    {
        if (Environment.UserName != "root") return; // the per-run uids need root; without it every run is the caller
        const uint First = 1879300000;
        Write("keys.txt", $"alice {Hash(Alice)}\nbob {Hash(Bob)}\n");
        string path = Write("serve.toml", $"api_keys = \"keys.txt\"\nconcurrency = 4\nrun_uids = \"{First}-{First + 9}\"\n");
        await using ServeProcess serve = await ServeProcess.StartAsync("--config", path);
        string markerA = "uid-marker-a-" + Guid.NewGuid().ToString("N"), markerB = "uid-marker-b-" + Guid.NewGuid().ToString("N");
        const string Sleeper = "import time\nprint('up', flush=True)\ntime.sleep(4)";
        Task<(int, JsonElement, HttpResponseMessage)> a = serve.PostAsync("/v1/runs?wait=true", Python(Sleeper, null, markerA), Alice);
        Task<(int, JsonElement, HttpResponseMessage)> b = serve.PostAsync("/v1/runs?wait=true", Python(Sleeper, null, markerB), Bob);
        HashSet<uint> uidsA = [], uidsB = [];
        for (int i = 0; i < 300 && (uidsA.Count == 0 || uidsB.Count == 0) && !(a.IsCompleted && b.IsCompleted); i++)
        {
            foreach ((string marker, HashSet<uint> into) in new[] { (markerA, uidsA), (markerB, uidsB) })
            {
                foreach (uint uid in GuestUids(marker)) into.Add(uid);
            }

            await Task.Delay(20);
        }

        Assert.Equal(200, (await a).Item1);
        Assert.Equal(200, (await b).Item1);
        Assert.NotEmpty(uidsA);
        Assert.NotEmpty(uidsB);
        Assert.All(uidsA.Concat(uidsB), u => Assert.InRange(u, First, First + 9));
        Assert.Empty(uidsA.Intersect(uidsB));
        Assert.Equal(0, await serve.StopAsync());
    }

    /// <summary>The real uids of the processes whose command line holds <paramref name="marker"/>.</summary>
    private static IEnumerable<uint> GuestUids(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string? status = null;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) continue;
                status = File.ReadAllText(Path.Combine(dir, "status"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            string? line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            if (line is not null && uint.TryParse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) && uid != 0)
                yield return uid;
        }
    }
}
