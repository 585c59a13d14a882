using System.Collections.Concurrent;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Cordon.Service.Distributed;

/// <summary>
/// How a worker takes runs fairly from the work-queue stream: each tenant's runs wait on a subject of their own, with a
/// durable consumer per subject that every worker shares; a worker's free slot asks the stream which subjects hold
/// runs and takes one run from the tenant after the one it served last, so a tenant that queued a flood waits behind
/// its own runs only (as in the embedded queue's round robin). Idle slots wake when an API node announces a run, and
/// look again every second anyway (a run handed back by a stopping worker, or delivered again after its ack wait).
/// </summary>
internal sealed class TenantRoundRobin(NatsBus bus, ConsumerConfig template)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Task<INatsJSConsumer>> _consumers = new(StringComparer.Ordinal);
    private readonly Lock _turn = new();
    private string _lastServed = "";
    private TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Removes the one consumer of earlier workers (it would overlap the per-tenant ones), then wakes idle slots on each announced run until <paramref name="stopping"/>.</summary>
    public async Task ListenAsync(CancellationToken stopping)
    {
        try
        {
            await bus.JetStream.DeleteConsumerAsync(NatsNames.RunsStream, NatsNames.LegacyWorkersConsumer, stopping);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        try
        {
            await foreach (NatsMsg<byte[]> _ in bus.Connection.SubscribeAsync<byte[]>(NatsNames.RunQueuedSubject, cancellationToken: stopping))
            {
                Interlocked.Exchange(ref _queued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The next run, taken from the tenants with waiting runs in turn; waits for one until <paramref name="stopping"/>.</summary>
    public async Task<INatsJSMsg<byte[]>?> NextAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Taken before looking, so a run announced while this slot looks is not missed until the next poll.
            Task announced = Volatile.Read(ref _queued).Task;
            if (await TryTakeAsync(stopping) is { } msg) return msg;
            try
            {
                await announced.WaitAsync(Poll, stopping);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    private async Task<INatsJSMsg<byte[]>?> TryTakeAsync(CancellationToken stopping)
    {
        INatsJSStream stream = await bus.JetStream.GetStreamAsync(NatsNames.RunsStream, new StreamInfoRequest { SubjectsFilter = NatsNames.RunsWildcard }, stopping);
        // Subjects with messages: waiting runs, and runs other workers hold unacknowledged (those answer nothing below).
        List<string> tokens = [.. (stream.Info.State.Subjects ?? new Dictionary<string, long>()).Where(s => s.Value > 0).Select(s => NatsNames.TokenOf(s.Key)).Order(StringComparer.Ordinal)];
        if (tokens.Count == 0) return null;
        string last;
        lock (_turn) last = _lastServed;
        // The tenant after the last one served first, then around.
        int start = tokens.FindIndex(t => string.CompareOrdinal(t, last) > 0);
        if (start < 0) start = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[(start + i) % tokens.Count];
            INatsJSConsumer consumer = await ConsumerAsync(token, stopping);
            await foreach (INatsJSMsg<byte[]> msg in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1 }, cancellationToken: stopping))
            {
                lock (_turn) _lastServed = token;
                return msg;
            }
        }

        return null;
    }

    /// <summary>The shared durable consumer of one tenant's subject, created (or updated to this worker's settings) once per worker.</summary>
    private Task<INatsJSConsumer> ConsumerAsync(string token, CancellationToken stopping)
    {
        Task<INatsJSConsumer> consumer = _consumers.GetOrAdd(token, t => bus.JetStream.CreateOrUpdateConsumerAsync(NatsNames.RunsStream, template with
        {
            Name = NatsNames.WorkersConsumer(t),
            DurableName = NatsNames.WorkersConsumer(t),
            FilterSubject = "cordon.runs." + t,
        }, stopping).AsTask());
        // A failed creation is tried again next time rather than remembered.
        if (consumer.IsFaulted || consumer.IsCanceled) _consumers.TryRemove(token, out _);
        return consumer;
    }
}
