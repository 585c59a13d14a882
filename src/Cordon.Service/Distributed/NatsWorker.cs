using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Cordon.Contracts;
using Cordon.Service.Api;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Cordon.Service.Distributed;

/// <summary>How a worker takes runs: at once, how long a delivery is its own without a heartbeat, and how often a run is tried.</summary>
/// <param name="Concurrency">Runs at once.</param>
/// <param name="AckWait">How long the server waits for an acknowledgement (or a heartbeat) before it hands the run to another worker.</param>
/// <param name="MaxAttempts">Deliveries that run it; the next one ends it with a setup error instead.</param>
internal sealed record WorkerOptions(int Concurrency, TimeSpan AckWait, int MaxAttempts);

/// <summary>
/// <c>cordon worker</c>: takes runs from the work-queue stream and runs them here with the same tiers, runtimes and
/// limits as the embedded queue, publishing every frame and then the one result. At least once, made safe: a run is
/// acknowledged only after its result is stored, so a worker that dies mid-run loses nothing (the server delivers the
/// run again after the ack wait); the result is created once (a second finisher finds it and drops its own), so the
/// API reports one; a run delivered more than <see cref="WorkerOptions.MaxAttempts"/> times, or past its deadline,
/// ends with a setup error that says why instead of running again.
/// </summary>
internal sealed class NatsWorker(NatsBus bus, RunExecutor executor, RunRequestValidator validator, RuntimeCatalog catalog, IReadOnlyList<string> tiers, WorkerOptions options)
{
    private readonly ConcurrentDictionary<string, RunJob> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _canceledByClient = new(StringComparer.Ordinal);
    private readonly string _name = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Ends the worker's last calls to the server (results, acks, frames) a while after it is told to stop, so a lost server cannot hold it.</summary>
    private readonly CancellationTokenSource _linger = new();
    private static readonly TimeSpan LingerAfterStop = TimeSpan.FromSeconds(10);

    /// <summary>Takes runs until <paramref name="stopping"/>; <paramref name="ready"/> is called once the worker is advertised and taking them.</summary>
    public async Task RunAsync(Action ready, CancellationToken stopping)
    {
        using CancellationTokenRegistration lingering = stopping.Register(() => _linger.CancelAfter(LingerAfterStop));
        // Each tenant's runs have a consumer of their own, all with these settings; the worker takes tenants in turn.
        var fair = new TenantRoundRobin(bus, new ConsumerConfig
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = options.AckWait,
            MaxDeliver = options.MaxAttempts + 1,
            MaxAckPending = -1,
        });

        Task announcements = Task.Run(() => fair.ListenAsync(stopping), CancellationToken.None);
        Task cancels = Task.Run(() => AnswerCancelsAsync(stopping), CancellationToken.None);
        await AdvertiseOnceAsync(stopping);
        ready();
        Task adverts = Task.Run(() => AdvertiseAsync(stopping), CancellationToken.None);
        Task[] slots = [.. Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => TakeAsync(fair, stopping), CancellationToken.None))];
        await Task.WhenAll(slots);
        await Task.WhenAll(cancels, adverts, announcements).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        await bus.Workers.DeleteAsync(_name, cancellationToken: _linger.Token).AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task TakeAsync(TenantRoundRobin fair, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            INatsJSMsg<byte[]>? next;
            try
            {
                next = await fair.NextAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (NatsException e)
            {
                Console.Error.WriteLine($"cordon worker: cannot take runs from {bus.Url}: {e.Message}; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }

            if (next is not { } msg) continue;
            try
            {
                await HandleAsync(msg, stopping);
            }
            catch (Exception e) when (e is NatsException or JsonException or IOException or OperationCanceledException)
            {
                // Not acknowledged: the server delivers the run again after the ack wait.
                Console.Error.WriteLine($"cordon worker: a run failed inside the worker and will be delivered again: {e.Message}");
            }
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> msg, CancellationToken stopping)
    {
        QueuedRun? run = msg.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, ServiceJson.Default.QueuedRun) : null;
        if (run is null || !RunService.IsRunId(run.Id))
        {
            Console.Error.WriteLine("cordon worker: dropped a queue message that is not a run");
            await msg.AckAsync(cancellationToken: _linger.Token);
            return;
        }

        int attempt = (int)(msg.Metadata?.NumDelivered ?? 1);
        string runtime = run.Request.Runtime ?? "command";
        if (await bus.HasResultAsync(run.Id, _linger.Token))
        {
            await msg.AckAsync(cancellationToken: _linger.Token); // canceled while it waited, or finished by a worker that died before its ack
            return;
        }

        // A redelivery means the worker before may have died mid-run: sweep what dead owners left on this host.
        if (attempt > 1) Sweep();
        string? refusal = attempt > options.MaxAttempts
            ? $"the run was delivered {attempt - 1} times and no worker finished it (each stopped or died mid-run); it is not run again"
            : DateTimeOffset.UtcNow > run.Deadline
                ? $"no worker started the run before its deadline ({run.Deadline:u}, {(run.Deadline - run.AcceptedAt).TotalMinutes:0} minutes after it was accepted)"
                : null;
        RunPlan? plan = null;
        if (refusal is null)
        {
            try
            {
                plan = validator.Validate(run.Request);
            }
            catch (ProblemException e)
            {
                refusal = $"this worker cannot run the request: {e.Problem.Detail}";
            }
        }

        if (plan is null)
        {
            string tier = catalog.Find(runtime)?.Tier ?? run.Request.Tier ?? "process";
            await bus.TryFinishAsync(new RunView(run.Id, "finished", runtime, tier, null, RunDocuments.SetupError(tier, refusal!)), run.Tenant, attempt, _linger.Token);
            await msg.AckAsync(new AckOpts { DoubleAck = true }, _linger.Token);
            return;
        }

        await ExecuteAsync(msg, run, plan, attempt, stopping);
    }

    private async Task ExecuteAsync(INatsJSMsg<byte[]> msg, QueuedRun run, RunPlan plan, int attempt, CancellationToken stopping)
    {
        var frames = Channel.CreateUnbounded<(string Name, string Json)>(new UnboundedChannelOptions { SingleReader = true });
        var job = new RunJob(run.Id, run.Tenant, plan)
        {
            Request = run.Request,
            // The done frame is published with the stored result, not before.
            OnFrame = (name, json) =>
            {
                if (name != "done") frames.Writer.TryWrite((name, json));
            },
        };
        _running[run.Id] = job;
        using var heartbeatStop = new CancellationTokenSource();
        Task heartbeat = HeartbeatAsync(msg, heartbeatStop.Token);
        Task publish = PublishAsync(run.Id, frames.Reader, attempt, bus.MaxMessageBytes);
        try
        {
            await executor.ExecuteAsync(job, stopping);
        }
        finally
        {
            frames.Writer.TryComplete();
            _running.TryRemove(run.Id, out _);
        }

        await publish;
        await heartbeatStop.CancelAsync();
        await heartbeat;
        bool byClient = _canceledByClient.TryRemove(run.Id, out _);
        if (stopping.IsCancellationRequested && !byClient)
        {
            // This worker is stopping, not the run: hand it to another worker now rather than after the ack wait.
            await msg.NakAsync(cancellationToken: _linger.Token);
            return;
        }

        await bus.TryFinishAsync(RunView.Of(job), run.Tenant, attempt, _linger.Token);
        await msg.AckAsync(new AckOpts { DoubleAck = true }, _linger.Token);
    }

    /// <summary>Publishes the run's frames in order; one too large for the server is replaced by a note (the result carries the output).</summary>
    private async Task PublishAsync(string id, ChannelReader<(string Name, string Json)> frames, int attempt, int maxBytes)
    {
        await foreach ((string name, string json) in frames.ReadAllAsync(_linger.Token))
        {
            string body = json.Length * 3 > maxBytes && System.Text.Encoding.UTF8.GetByteCount(json) > maxBytes
                ? JsonSerializer.Serialize(new LimitFrame("run", "frame", $"a {name} frame larger than the queue's message bound was left out"), ServiceJson.Default.LimitFrame)
                : json;
            await bus.PublishFrameAsync(id, body == json ? name : "limit", body, attempt, _linger.Token);
        }
    }

    /// <summary>Tells the server the run is still in progress (<c>+WPI</c>) three times per ack wait, so a long run is not handed to another worker.</summary>
    private async Task HeartbeatAsync(INatsJSMsg<byte[]> msg, CancellationToken done)
    {
        TimeSpan every = options.AckWait / 3;
        while (!done.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, done);
                await msg.AckProgressAsync(cancellationToken: done);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (NatsException e)
            {
                Console.Error.WriteLine($"cordon worker: heartbeat failed: {e.Message}");
            }
        }
    }

    /// <summary>Cancels a run this worker has when an API node asks, and says so (an API node stores the canceled result itself when nobody answers).</summary>
    private async Task AnswerCancelsAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (NatsMsg<byte[]> request in bus.Connection.SubscribeAsync<byte[]>(NatsNames.CancelWildcard, cancellationToken: stopping))
            {
                string id = request.Subject[(request.Subject.LastIndexOf('.') + 1)..];
                if (!_running.TryGetValue(id, out RunJob? job)) continue;
                _canceledByClient[id] = true;
                job.Cancel();
                await request.ReplyAsync("canceling"u8.ToArray(), cancellationToken: stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AdvertiseOnceAsync(CancellationToken stopping)
    {
        var advert = new WorkerAdvert(_name, [.. tiers], [.. catalog.All.Select(r => r.Name)], options.Concurrency, _running.Count);
        await bus.Workers.PutAsync(_name, JsonSerializer.SerializeToUtf8Bytes(advert, ServiceJson.Default.WorkerAdvert), cancellationToken: stopping);
    }

    /// <summary>Keeps this worker's advertisement fresh: its tiers, runtimes and capacity.</summary>
    private async Task AdvertiseAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(NatsBus.WorkerAdvertLifetime / 3, stopping);
                await AdvertiseOnceAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (NatsException e)
            {
                Console.Error.WriteLine($"cordon worker: cannot advertise on {bus.Url}: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>Removes the cgroups and directories of runs whose supervisor died (never a live one's).</summary>
    public static void Sweep()
    {
        try
        {
            Backends.Process.Cgroups.SweepReport report = Backends.Process.Cgroups.LeftoverSweep.Run();
            foreach (string problem in report.Problems) Console.Error.WriteLine($"cordon worker: leftover sweep: {problem}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"cordon worker: leftover sweep failed: {e.Message}");
        }
    }
}
