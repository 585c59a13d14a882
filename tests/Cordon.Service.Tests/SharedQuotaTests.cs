using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>
/// Quotas that hold across API nodes: two real <c>cordon-serve</c> nodes on one real nats-server, with one keys file,
/// and real workers. Each test has a server of its own. Nothing here reads a clock: waits poll by count, with a
/// generous number of tries as a safety net.
/// </summary>
public sealed class SharedQuotaTests : IAsyncLifetime
{
    private const string Secret = "tenant-shared-secret-0123456789";
    private NatsServer _nats = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("cordon-quota-test-").FullName;
    private readonly string _workerTemp = Directory.CreateTempSubdirectory("cordon-quota-worker-").FullName;
    private readonly List<WorkerProcess> _workers = [];
    private readonly List<ServeProcess> _nodes = [];

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (ServeProcess node in _nodes) await node.DisposeAsync();
        foreach (WorkerProcess w in _workers) await w.DisposeAsync();
        await _nats.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_workerTemp, recursive: true);
    }

    /// <summary>A config file with one key (<paramref name="quotas"/> its settings) and the quota lease given.</summary>
    private string Config(string quotas, string lease = "30s")
    {
        string keys = Path.Combine(_directory, $"keys-{Guid.NewGuid():N}.txt");
        File.WriteAllText(keys, $"acme sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Secret)))} {quotas}\n");
        string config = Path.Combine(_directory, $"serve-{Guid.NewGuid():N}.toml");
        File.WriteAllText(config, $"api_keys = \"{Path.GetFileName(keys)}\"\n[quotas]\nlease = \"{lease}\"\n");
        return config;
    }

    private async Task<ServeProcess> NodeAsync(string config)
    {
        ServeProcess node = await ServeProcess.StartAsync("--queue", _nats.Url, "--config", config);
        _nodes.Add(node);
        return node;
    }

    private async Task<WorkerProcess> WorkerAsync(int concurrency)
    {
        WorkerProcess worker = await WorkerProcess.StartAsync(_nats.Url, _workerTemp, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _workers.Add(worker);
        return worker;
    }

    private static string Python(string source, long timeMs = 10_000)
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = source } },
            ["limits"] = new Dictionary<string, long> { ["timeMs"] = timeMs, ["cpuMs"] = 10_000 },
        });

    private static readonly string Sleeper = Python("import time\nprint('up', flush=True)\ntime.sleep(50)", 55_000);

    private static string Type(JsonElement problem) => problem.GetProperty("type").GetString()!;

    [Fact]
    public async Task Two_nodes_admitting_at_once_take_a_quota_of_one_once()
    {
        string config = Config("concurrent=1 per_minute=1000");
        ServeProcess first = await NodeAsync(config);
        ServeProcess second = await NodeAsync(config);
        await WorkerAsync(1);

        for (int round = 0; round < 6; round++)
        {
            var posts = await Task.WhenAll(first.PostAsync("/v1/runs", Sleeper, Secret), second.PostAsync("/v1/runs", Sleeper, Secret));
            int[] statuses = [.. posts.Select(p => p.Status).Order()];
            Assert.True(statuses is [202, 429], $"round {round}: {string.Join(", ", statuses)}; {string.Join(" | ", posts.Select(p => p.Body.ToString()))}");
            var refused = posts.Single(p => p.Status == 429);
            Assert.Equal("urn:cordon:problem:quota-concurrent", Type(refused.Body));
            Assert.True(refused.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero);

            // Either node answers for the run; once its canceled result is stored, the slot is free again.
            string id = posts.Single(p => p.Status == 202).Body.GetProperty("id").GetString()!;
            var (deleted, _, _) = await (round % 2 == 0 ? second : first).SendAsync(HttpMethod.Delete, $"/v1/runs/{id}", Secret);
            Assert.Equal(200, deleted);
        }

        var (status, view, _) = await second.PostAsync("/v1/runs?wait=true", Python("print('free')"), Secret);
        Assert.Equal(200, status);
        Assert.Equal("free\n", view.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_per_minute_quota_across_two_nodes_admits_exactly_that_many()
    {
        string config = Config("concurrent=100 per_minute=3");
        ServeProcess first = await NodeAsync(config);
        ServeProcess second = await NodeAsync(config);
        await WorkerAsync(2);

        var posts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? first : second).PostAsync("/v1/runs", Python("print(1)"), Secret)));
        Assert.Equal(3, posts.Count(p => p.Status == 202));
        var refused = posts.Where(p => p.Status != 202).ToList();
        Assert.Equal(5, refused.Count);
        Assert.All(refused, p =>
        {
            Assert.Equal(429, p.Status);
            Assert.Equal("urn:cordon:problem:quota-rate", Type(p.Body));
            Assert.True(p.Response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        });
    }

    [Fact]
    public async Task Cpu_time_charged_by_a_worker_is_seen_by_the_other_node()
    {
        string config = Config("concurrent=4 per_minute=1000 cpu_per_hour=1");
        ServeProcess first = await NodeAsync(config);
        ServeProcess second = await NodeAsync(config);
        await WorkerAsync(1);

        var (status, view, _) = await first.PostAsync("/v1/runs?wait=true",
            Python("import time\nstart = time.process_time()\nwhile time.process_time() - start < 1.5:\n    pass\nprint('burnt')", 55_000), Secret);
        Assert.Equal(200, status);
        Assert.Equal("burnt\n", view.GetProperty("run").GetProperty("stdout").GetString());
        Assert.True(view.GetProperty("run").GetProperty("cpuTimeMs").GetDouble() >= 1000, view.ToString());

        // The result came back after the worker charged it: the other node refuses at once.
        var (refused, problem, response) = await second.PostAsync("/v1/runs", Python("print(1)"), Secret);
        Assert.Equal(429, refused);
        Assert.Equal("urn:cordon:problem:quota-cpu", Type(problem));
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_node_killed_mid_run_frees_its_slot_after_the_lease()
    {
        string config = Config("concurrent=1 per_minute=1000", lease: "3s");
        ServeProcess doomed = await NodeAsync(config);
        ServeProcess survivor = await NodeAsync(config);
        await WorkerAsync(2);

        var (accepted, run, _) = await doomed.PostAsync("/v1/runs", Sleeper, Secret);
        Assert.Equal(202, accepted);
        // The survivor refreshes nothing of the doomed node's: its slot counts while the doomed node refreshes it.
        Assert.Equal(429, (await survivor.PostAsync("/v1/runs", Sleeper, Secret)).Status);
        await doomed.KillAsync();

        // The run goes on on the worker, but its slot was the dead node's: it stops counting once the lease ends.
        int status = 429;
        JsonElement body = default;
        for (int i = 0; i < 600 && status == 429; i++)
        {
            await Task.Delay(200);
            (status, body, _) = await survivor.PostAsync("/v1/runs", Sleeper, Secret);
            if (status == 429) Assert.Equal("urn:cordon:problem:quota-concurrent", Type(body));
        }

        Assert.Equal(202, status);
        foreach (string id in new[] { run.GetProperty("id").GetString()!, body.GetProperty("id").GetString()! })
            Assert.Equal(200, (await survivor.SendAsync(HttpMethod.Delete, $"/v1/runs/{id}", Secret)).Status);
    }

    [Fact]
    public async Task Without_the_nats_server_a_keyed_run_is_refused_with_503()
    {
        ServeProcess node = await NodeAsync(Config("concurrent=2"));
        await WorkerAsync(1);
        Assert.Equal(200, (await node.PostAsync("/v1/runs?wait=true", Python("print(1)"), Secret)).Status);

        await _nats.StopAsync();
        var (status, problem, response) = await node.PostAsync("/v1/runs", Python("print(1)"), Secret);
        Assert.Equal(503, status);
        Assert.Equal("urn:cordon:problem:quota-unavailable", Type(problem));
        Assert.Contains(_nats.Url, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        // Authentication is unchanged: no key is still a 401, before any count is asked for.
        Assert.Equal(401, (await node.PostAsync("/v1/runs", Python("print(1)"))).Status);
    }

    [Fact]
    public async Task A_bad_quotas_table_is_named_with_its_line()
    {
        string path = Path.Combine(_directory, "bad-quotas.toml");
        await File.WriteAllTextAsync(path, "[quotas]\nlease = \"1s\"\nleese = \"30s\"\n");
        var (code, _, stderr) = await ServeProcess.RunToExitAsync("--config", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:2:9: lease: is shorter than 3s", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:3:1: leese: unknown key 'leese' in [quotas]; allowed: lease", stderr, StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, "[quotas]\nlease = \"1h\"\n");
        (code, _, stderr) = await ServeProcess.RunToExitAsync("--config", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:2:9: lease: is longer than 10m", stderr, StringComparison.Ordinal);
    }
}
