using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>
/// The distributed queue with real processes: a nats-server with JetStream, API nodes started with --queue, and
/// workers, including one killed with SIGKILL mid-run. Each test has a server of its own.
/// </summary>
public sealed class DistributedTests : IAsyncLifetime
{
    private NatsServer _nats = null!;
    private readonly string _workerTemp = Directory.CreateTempSubdirectory("cordon-worker-test-").FullName;
    private readonly List<WorkerProcess> _workers = [];

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (WorkerProcess w in _workers) await w.DisposeAsync();
        await _nats.DisposeAsync();
        Directory.Delete(_workerTemp, recursive: true);
    }

    private Task<ServeProcess> ApiNodeAsync() => ServeProcess.StartAsync("--queue", _nats.Url);

    private async Task<WorkerProcess> WorkerAsync(params string[] extra)
    {
        WorkerProcess worker = await WorkerProcess.StartAsync(_nats.Url, _workerTemp, extra);
        _workers.Add(worker);
        return worker;
    }

    private static string Python(string source, params string[] argv)
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = source } },
            ["argv"] = argv,
        });

    /// <summary>Reads a run's SSE stream to its end, calling <paramref name="onFrame"/> with each frame's name and data.</summary>
    private static async Task<List<(string Name, string Data)>> EventsAsync(ServeProcess node, string id, Func<string, string, Task>? onFrame = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/runs/{id}/events");
        using HttpResponseMessage response = await node.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        List<(string, string)> frames = [];
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                frames.Add((name!, line[6..]));
                if (onFrame is not null) await onFrame(name!, line[6..]);
            }
        }

        return frames;
    }

    private static string Stdout(JsonElement view) => view.GetProperty("run").GetProperty("stdout").GetString()!;

    /// <summary>Processes whose command line holds <paramref name="marker"/> (a run's argv), after waiting for them to go.</summary>
    private static async Task<List<string>> ProcessesWithAsync(string marker)
    {
        List<string> found = [];
        for (int i = 0; i < 100; i++)
        {
            found.Clear();
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    string cmdline = await File.ReadAllTextAsync(Path.Combine(dir, "cmdline"));
                    if (cmdline.Contains(marker, StringComparison.Ordinal)) found.Add($"{Path.GetFileName(dir)}: {cmdline.Replace('\0', ' ')}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }

            if (found.Count == 0) return found;
            await Task.Delay(100);
        }

        return found;
    }

    private static async Task StopCleanAsync(ServeProcess node)
    {
        int code = await node.StopAsync();
        Assert.True(code == 0, $"cordon-serve exited {code}: {node.Stderr}");
        Assert.Empty(node.Leftovers());
    }

    private async Task StopWorkersCleanAsync()
    {
        foreach (WorkerProcess w in _workers)
        {
            if (w.HasExited) continue;
            int code = await w.StopAsync();
            Assert.True(code == 0, $"cordon worker exited {code}: {w.Stderr}");
        }

        foreach (WorkerProcess w in _workers)
        {
            Assert.Empty(ServeProcess.LeftoversOf(_workerTemp, w.Pid));
        }
    }

    [Fact]
    public async Task Runs_go_through_a_worker_and_any_api_node_answers_for_them()
    {
        await using ServeProcess first = await ApiNodeAsync();
        await using ServeProcess second = await ApiNodeAsync();
        await WorkerAsync();

        var (status, view, _) = await first.PostAsync("/v1/runs?wait=true", Python("print(6 * 7)"));
        Assert.Equal(200, status);
        Assert.Equal("finished", view.GetProperty("state").GetString());
        Assert.Equal("42\n", Stdout(view));

        // Accepted by one node, followed live and read back through the other.
        var (_, accepted, _) = await first.PostAsync("/v1/runs", Python("import time\nprint('first', flush=True)\ntime.sleep(2)\nprint('second')"));
        string id = accepted.GetProperty("id").GetString()!;
        bool outputBeforeEnd = false;
        List<(string Name, string Data)> frames = await EventsAsync(second, id, async (name, data) =>
        {
            if (name == "output" && data.Contains("first", StringComparison.Ordinal))
                outputBeforeEnd = (await second.SendAsync(HttpMethod.Get, $"/v1/runs/{id}")).Body.GetProperty("state").GetString() == "running";
        });
        Assert.True(outputBeforeEnd, string.Join(",", frames.Select(f => f.Name)));
        Assert.Equal("started", frames[0].Name);
        Assert.Equal(["finished", "done"], frames[^2..].Select(f => f.Name));
        var (getStatus, got, _) = await second.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
        Assert.Equal(200, getStatus);
        Assert.Equal("first\nsecond\n", Stdout(got));

        var (_, health, _) = await first.SendAsync(HttpMethod.Get, "/v1/health");
        Assert.Equal(1, health.GetProperty("workers").GetInt32());
        Assert.Equal(404, (await second.SendAsync(HttpMethod.Get, "/v1/runs/" + new string('a', 32))).Status);

        await StopCleanAsync(first);
        await StopCleanAsync(second);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task Without_a_worker_a_run_is_refused_naming_the_queue()
    {
        await using ServeProcess node = await ApiNodeAsync();
        var (status, problem, response) = await node.PostAsync("/v1/runs", Python("print(1)"));
        Assert.Equal(503, status);
        Assert.Equal("urn:cordon:problem:no-worker", problem.GetProperty("type").GetString());
        Assert.Contains("cordon worker --queue", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        await StopCleanAsync(node);
    }

    [Fact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_the_run_has_one_result()
    {
        await using ServeProcess node = await ApiNodeAsync();
        WorkerProcess doomed = await WorkerAsync("--concurrency", "1", "--ack-wait", "3");
        string marker = "cordon-marker-" + Guid.NewGuid().ToString("N");
        var (_, accepted, _) = await node.PostAsync("/v1/runs", Python("import sys, time\nprint('up', flush=True)\ntime.sleep(3)\nprint('done', sys.argv[1])", marker));
        string id = accepted.GetProperty("id").GetString()!;

        bool killed = false;
        List<(string Name, string Data)> frames = await EventsAsync(node, id, async (name, data) =>
        {
            if (!killed && name == "output" && data.Contains("up", StringComparison.Ordinal))
            {
                // The run is on the doomed worker; a second one starts to take it over once the ack wait is past.
                await doomed.KillAsync();
                await WorkerAsync("--concurrency", "1", "--ack-wait", "3");
                killed = true;
            }
        });

        Assert.True(killed);
        string[] names = [.. frames.Select(f => f.Name)];
        Assert.Contains("retry", names);
        Assert.Equal(1, names.Count(n => n == "done"));
        var (_, view, _) = await node.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
        Assert.Equal("exited", view.GetProperty("run").GetProperty("outcome").GetString());
        Assert.Equal($"up\ndone {marker}\n", Stdout(view));

        // Past another ack wait nothing changes: the run was acknowledged once, and a replay shows one result.
        await Task.Delay(TimeSpan.FromSeconds(4));
        List<(string Name, string Data)> replay = await EventsAsync(node, id);
        Assert.Equal(1, replay.Count(f => f.Name == "done"));
        Assert.Equal(view.GetProperty("run").GetProperty("runId").GetString(),
            JsonDocument.Parse(replay[^1].Data).RootElement.GetProperty("run").GetProperty("runId").GetString());

        // The killed worker's sandbox, cgroup and work directory are gone (the survivor swept them on redelivery).
        Assert.Empty(await ProcessesWithAsync(marker));
        Assert.Empty(ServeProcess.LeftoversOf(_workerTemp, doomed.Pid));
        await StopCleanAsync(node);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task A_run_no_worker_finishes_ends_with_a_setup_error_after_its_attempts()
    {
        await using ServeProcess node = await ApiNodeAsync();
        WorkerProcess doomed = await WorkerAsync("--concurrency", "1", "--ack-wait", "3", "--max-attempts", "1");
        var (_, accepted, _) = await node.PostAsync("/v1/runs", Python("import time\nprint('up', flush=True)\ntime.sleep(30)"));
        string id = accepted.GetProperty("id").GetString()!;
        bool killed = false;
        await EventsAsync(node, id, async (name, data) =>
        {
            if (!killed && name == "output")
            {
                await doomed.KillAsync();
                killed = true;
                await WorkerAsync("--concurrency", "1", "--ack-wait", "3", "--max-attempts", "1");
            }
        });

        var (_, view, _) = await node.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
        JsonElement run = view.GetProperty("run");
        Assert.Equal("setup_error", run.GetProperty("outcome").GetString());
        Assert.Contains("delivered 1 times and no worker finished it", run.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await StopCleanAsync(node);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task Heartbeats_keep_a_run_longer_than_the_ack_wait_on_its_worker()
    {
        await using ServeProcess node = await ApiNodeAsync();
        await WorkerAsync("--concurrency", "1", "--ack-wait", "3");
        await WorkerAsync("--concurrency", "1", "--ack-wait", "3");
        var (status, view, _) = await node.PostAsync("/v1/runs?wait=true", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = "import time\nfor i in range(4):\n    print(i, flush=True)\n    time.sleep(2)" } },
            ["limits"] = new Dictionary<string, long> { ["timeMs"] = 30_000 },
        }));
        Assert.Equal(200, status);
        Assert.Equal("0\n1\n2\n3\n", Stdout(view));
        List<(string Name, string Data)> frames = await EventsAsync(node, view.GetProperty("id").GetString()!);
        Assert.DoesNotContain(frames, f => f.Name == "retry");
        Assert.Equal(1, frames.Count(f => f.Name == "started"));
        await StopCleanAsync(node);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task Delete_cancels_a_waiting_run_and_a_running_one()
    {
        await using ServeProcess node = await ApiNodeAsync();
        await WorkerAsync("--concurrency", "1");
        var (_, running, _) = await node.PostAsync("/v1/runs", Python("import time\nprint('up', flush=True)\ntime.sleep(60)"));
        string runningId = running.GetProperty("id").GetString()!;
        await EventsUntilAsync(node, runningId, "output");
        var (_, waiting, _) = await node.PostAsync("/v1/runs", Python("print('never')"));
        string waitingId = waiting.GetProperty("id").GetString()!;

        var (status, canceled, _) = await node.SendAsync(HttpMethod.Delete, $"/v1/runs/{waitingId}");
        Assert.Equal(200, status);
        Assert.Equal("canceled", canceled.GetProperty("state").GetString());
        Assert.Contains("before a worker started it", canceled.GetProperty("run").GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (status2, stopped, _) = await node.SendAsync(HttpMethod.Delete, $"/v1/runs/{runningId}");
        Assert.Equal(200, status2);
        Assert.Equal("canceled", stopped.GetProperty("run").GetProperty("outcome").GetString());
        Assert.Equal("up\n", Stdout(stopped));

        // The worker, free again, skips the canceled run: a new one runs next.
        var (_, next, _) = await node.PostAsync("/v1/runs?wait=true", Python("print('next')"));
        Assert.Equal("next\n", Stdout(next));
        await StopCleanAsync(node);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task A_worker_stopped_with_sigterm_hands_its_run_to_another()
    {
        await using ServeProcess node = await ApiNodeAsync();
        WorkerProcess leaving = await WorkerAsync("--concurrency", "1", "--ack-wait", "30");
        // Long enough that the second worker is up before it ends, however slow this machine is today.
        var (_, accepted, _) = await node.PostAsync("/v1/runs", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = "import time\nprint('up', flush=True)\ntime.sleep(20)\nprint('end')" } },
            ["limits"] = new Dictionary<string, long> { ["timeMs"] = 50_000 },
        }));
        string id = accepted.GetProperty("id").GetString()!;
        await EventsUntilAsync(node, id, "output");
        await WorkerAsync("--concurrency", "1", "--ack-wait", "30");
        Assert.Equal(0, await leaving.StopAsync());

        // Handed over at once (not after the 30 s ack wait), and run again to the end.
        List<(string Name, string Data)> frames = await EventsAsync(node, id);
        Assert.Contains(frames, f => f.Name == "retry");
        var (_, view, _) = await node.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
        Assert.Equal("up\nend\n", Stdout(view));
        Assert.Empty(ServeProcess.LeftoversOf(_workerTemp, leaving.Pid));
        await StopCleanAsync(node);
        await StopWorkersCleanAsync();
    }

    [Fact]
    public async Task A_run_no_worker_started_before_its_deadline_ends_with_a_setup_error()
    {
        string config = Path.Combine(_workerTemp, "..", $"cordon-serve-deadline-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(config, "[ceilings]\nqueue_deadline = \"1s\"\n");
        try
        {
            await using ServeProcess node = await ServeProcess.StartAsync("--queue", _nats.Url, "--config", config);
            // A worker that dies leaves its advertisement for a while: the run is accepted, and nobody takes it in time.
            WorkerProcess gone = await WorkerAsync("--concurrency", "1");
            await gone.KillAsync();
            var (status, accepted, _) = await node.PostAsync("/v1/runs", Python("print('late')"));
            Assert.Equal(202, status);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await WorkerAsync("--concurrency", "1");
            string id = accepted.GetProperty("id").GetString()!;
            await EventsAsync(node, id);
            var (_, view, _) = await node.SendAsync(HttpMethod.Get, $"/v1/runs/{id}");
            JsonElement run = view.GetProperty("run");
            Assert.Equal("setup_error", run.GetProperty("outcome").GetString());
            Assert.Contains("before its deadline", run.GetProperty("detail").GetString(), StringComparison.Ordinal);
            await StopCleanAsync(node);
            await StopWorkersCleanAsync();
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static async Task EventsUntilAsync(ServeProcess node, string id, string frame)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/runs/{id}/events");
        using HttpResponseMessage response = await node.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "event: " + frame) return;
        }

        Assert.Fail($"the run ended without a {frame} frame");
    }
}
