using System.Collections.Concurrent;
using System.Text.Json;
using Cordon.Contracts;
using Cordon.Service.Api;
using Cordon.Service.Queue;
using Cordon.Service.Runs;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Cordon.Service.Distributed;

/// <summary>
/// The API node's side of the distributed queue: an accepted run goes into the runs bucket and onto the work-queue
/// stream, and a relay replays its frames from the events stream into a local <see cref="RunJob"/>, which the API
/// answers from exactly as for a run of the embedded queue. Nothing runs here.
/// </summary>
internal sealed class NatsRunQueue(NatsBus bus, RunRequestValidator validator, ServiceCeilings ceilings) : IRunQueue
{
    private static readonly TimeSpan CancelReplyTimeout = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, RunJob> _relayed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private (DateTimeOffset At, List<WorkerAdvert> Workers) _advertised = (DateTimeOffset.MinValue, []);

    /// <summary>The runs the advertising workers take at once.</summary>
    public int Concurrency => _advertised.Workers.Sum(w => w.Concurrency);
    public int Capacity => ceilings.QueueCapacity;
    public int Queued => _relayed.Values.Count(j => j.State == "queued");
    public int Running => _relayed.Values.Count(j => j.State == "running");

    /// <summary>The workers advertising themselves now (cached for a second; none found is never cached).</summary>
    public async Task<List<WorkerAdvert>> WorkersAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow - _advertised.At > TimeSpan.FromSeconds(1) || _advertised.Workers.Count == 0) _advertised = (DateTimeOffset.UtcNow, await bus.WorkersAsync(cancellationToken));
        return _advertised.Workers;
    }

    public async ValueTask<bool> TryEnqueueAsync(RunJob job)
    {
        if (_stopping.IsCancellationRequested || Queued >= Capacity) return false;
        List<WorkerAdvert> workers = await WorkersAsync(CancellationToken.None);
        string runtime = job.Plan.RuntimeName;
        if (!workers.Any(w => w.Tiers.Contains(job.Plan.Tier) && (job.Plan.Runtime is null || w.Runtimes.Contains(runtime))))
        {
            throw new ProblemException(503, "no-worker", "No worker offers this runtime",
                workers.Count == 0
                    ? $"no worker is connected to {bus.Url}; start one with: cordon worker --queue {bus.Url}"
                    : $"none of the {workers.Count} worker(s) on {bus.Url} runs '{runtime}' on the {job.Plan.Tier} tier") { RetryAfterSeconds = 5 };
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new QueuedRun(job.Id, job.Tenant, job.Request!, now, now + ceilings.QueueDeadline), ServiceJson.Default.QueuedRun);
        if (message.Length > bus.MaxMessageBytes)
        {
            throw ProblemException.TooLarge($"the run is {message.Length} bytes as a queue message; this NATS server takes at most {bus.MaxMessageBytes} (raise its max_payload)");
        }

        await bus.Runs.CreateAsync(job.Id, message);
        Relay(job);
        // The run id is the message id: a publish retried after a lost acknowledgement is not queued twice.
        // On the tenant's own subject: workers take the tenants with waiting runs in turn (TenantRoundRobin).
        PubAckResponse ack = await bus.JetStream.PublishAsync(NatsNames.RunsSubject(job.Tenant), message, headers: new NatsHeaders { ["Nats-Msg-Id"] = job.Id });
        ack.EnsureSuccess();
        await bus.Connection.PublishAsync(NatsNames.RunQueuedSubject);
        return true;
    }

    public async ValueTask<RunJob?> FindElsewhereAsync(string id, CancellationToken cancellationToken)
    {
        if (await bus.FindRunAsync(id, cancellationToken) is not { } run) return null;
        RunPlan plan;
        try
        {
            plan = validator.Validate(run.Request);
        }
        catch (ProblemException)
        {
            // Accepted by a node with other runtimes than this one: answer for it all the same, under its own names.
            plan = new RunPlan(null, run.Request.Tier ?? "process", [], "", run.Request.Argv ?? [], null, new RunBudget(TimeSpan.Zero, TimeSpan.Zero, 0, null, 0), null);
        }

        var job = new RunJob(id, run.Tenant, plan) { Request = run.Request };
        return _relayed.GetOrAdd(id, _ =>
        {
            Relay(job);
            return job;
        });
    }

    /// <summary>Feeds <paramref name="job"/> from its subject of the events stream until its <c>done</c> frame, and forwards a cancel to whoever runs it.</summary>
    private void Relay(RunJob job)
    {
        _relayed[job.Id] = job;
        job.Canceled.Register(() => _ = CancelAsync(job));
        _ = Task.Run(async () =>
        {
            try
            {
                await EventRelay.FollowAsync(bus, job, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or NatsException)
            {
                if (!_stopping.IsCancellationRequested) Console.Error.WriteLine($"cordon serve: lost the events of run {job.Id}: {e.Message}");
            }
            finally
            {
                _ = job.Finished.ContinueWith(_ => Forget(job.Id), TaskScheduler.Default);
            }
        });
    }

    private async void Forget(string id)
    {
        try
        {
            await Task.Delay(ceilings.Retention, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _relayed.TryRemove(id, out _);
    }

    /// <summary>
    /// Asks the worker running <paramref name="job"/> to cancel it (it answers and then stores the canceled result);
    /// when no worker has it, the run is still waiting, and its canceled result is stored here so no worker starts it.
    /// </summary>
    private async Task CancelAsync(RunJob job)
    {
        try
        {
            NatsMsg<byte[]> reply = await bus.Connection.RequestAsync<byte[], byte[]>(NatsNames.CancelSubject(job.Id), [],
                replyOpts: new NatsSubOpts { Timeout = CancelReplyTimeout });
            if (reply.Data is { Length: > 0 }) return;
        }
        catch (Exception e) when (e is NatsNoRespondersException or NatsNoReplyException or NatsException or TimeoutException)
        {
        }

        try
        {
            var canceled = new RunView(job.Id, "canceled", job.Plan.RuntimeName, job.Plan.Tier, job.Compile,
                RunDocuments.From(RunExecutor.CanceledResult(job.Plan, "canceled before a worker started it (DELETE /v1/runs/{id})")));
            await bus.TryFinishAsync(canceled, job.Tenant, 0, CancellationToken.None);
        }
        catch (NatsException e)
        {
            Console.Error.WriteLine($"cordon serve: could not cancel run {job.Id}: {e.Message}");
        }
    }

    /// <summary>
    /// This node stops: runs stay on the queue and finish on the workers (any other node answers for them), and every
    /// client waiting here is answered now with the run's state so far.
    /// </summary>
    public void CancelRunning()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        foreach (RunJob job in _relayed.Values)
        {
            if (job.Finished.IsCompleted) continue;
            RunView now = RunView.Of(job);
            job.Emit("done", JsonSerializer.Serialize(now, ServiceJson.Default.RunView));
            job.Complete(now.Run, now.State);
        }
    }

    public async ValueTask DisposeAsync()
    {
        CancelRunning();
        await bus.DisposeAsync();
        _stopping.Dispose();
    }
}
