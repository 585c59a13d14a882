using System.Collections.Concurrent;
using System.Text.Json;
using Cordon.Service.Api;
using Cordon.Service.Auth;
using NATS.Client.Core;

namespace Cordon.Service.Distributed;

/// <summary>
/// The tenants' quotas counted for every API node of a NATS queue at once, in one <see cref="QuotaRecord"/> per tenant
/// (changed by compare-and-set, <see cref="QuotaLedger"/>). Admission checks and takes the concurrency slot and the
/// per-minute start in one write. A slot carries a lease that this node refreshes every third of it while the run is
/// its own; the slot is given back by whoever stores the run's result (a worker, or a node canceling a waiting run),
/// and a node that dies stops refreshing, so its slots stop counting one lease after its last refresh. CPU seconds are
/// charged by whoever stores the result, and read here at admission. When the store cannot be reached, nothing is
/// admitted (a 503): the count is never replaced by one per node.
/// </summary>
internal sealed class SharedQuotas : ITenantQuotas
{
    /// <summary>How long an admission (or a release) may wait for the store: an admission is then refused with a 503.</summary>
    private static readonly TimeSpan AdmissionTimeout = TimeSpan.FromSeconds(5);

    private readonly NatsBus _bus;
    private readonly TimeSpan _lease;
    private readonly string _node = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>One admission per tenant at a time from this node: only other nodes' writes can conflict with it.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <summary>The runs whose slots this node refreshes, per tenant, with when they were held (<see cref="Environment.TickCount64"/>).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _held = new(StringComparer.Ordinal);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _refreshing;

    public SharedQuotas(NatsBus bus, TimeSpan lease)
    {
        _bus = bus;
        _lease = lease;
        _refreshing = Task.Run(RefreshAsync);
    }

    public async ValueTask AdmitAsync(ApiKey key, string runId, CancellationToken cancellationToken)
    {
        if (_bus.Connection.ConnectionState != NatsConnectionState.Open)
            throw QuotaRefusals.Unavailable(_bus.Url, $"the connection is {_bus.Connection.ConnectionState.ToString().ToLowerInvariant()}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AdmissionTimeout);
        SemaphoreSlim turn = _turns.GetOrAdd(key.Tenant, _ => new SemaphoreSlim(1, 1));
        bool turnTaken = false;
        try
        {
            await turn.WaitAsync(timeout.Token);
            turnTaken = true;
            try
            {
                await QuotaLedger.UpdateAsync(_bus.Quotas, key.Tenant, (record, now) => Admitted(key, runId, record ?? QuotaRecord.Empty, now), timeout.Token);
                Held(key.Tenant)[runId] = Environment.TickCount64;
            }
            finally
            {
                turn.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw QuotaRefusals.Unavailable(_bus.Url, turnTaken
                ? $"did not answer within {AdmissionTimeout.TotalSeconds:0} seconds"
                : $"this node's earlier admissions of tenant '{key.Tenant}' held it for {AdmissionTimeout.TotalSeconds:0} seconds");
        }
        catch (Exception e) when (e is NatsException or JsonException or TimeoutException)
        {
            throw QuotaRefusals.Unavailable(_bus.Url, $"could not be updated: {e.Message}");
        }
    }

    /// <summary>The record with run <paramref name="runId"/> admitted, or the 429 of the first quota it is past.</summary>
    private QuotaRecord Admitted(ApiKey key, string runId, QuotaRecord record, long now)
    {
        if (record.Slots.Length >= key.MaxConcurrent) throw QuotaRefusals.Concurrent(key, record.Slots.Length);
        if (record.Starts.Length >= key.RunsPerMinute)
            throw QuotaRefusals.Rate(key, record.Starts.Length, TimeSpan.FromMilliseconds(record.RateFreeAt(key.RunsPerMinute) - now));
        if (key.CpuSecondsPerHour is { } quota && record.CpuUsed >= quota)
            throw QuotaRefusals.Cpu(key, record.CpuUsed, TimeSpan.FromMilliseconds(record.CpuFreeAt(quota) - now));
        return record with
        {
            Slots = [.. record.Slots, new QuotaSlot(runId, _node, now + (long)_lease.TotalMilliseconds)],
            Starts = [.. record.Starts, now],
        };
    }

    public async ValueTask ReleaseAsync(ApiKey key, string runId)
    {
        Held(key.Tenant).TryRemove(runId, out _);
        using var timeout = new CancellationTokenSource(AdmissionTimeout);
        try
        {
            await QuotaLedger.UpdateAsync(_bus.Quotas, key.Tenant,
                (record, _) => record is not null && record.Slots.Any(s => s.Run == runId) ? record with { Slots = [.. record.Slots.Where(s => s.Run != runId)] } : null,
                timeout.Token);
        }
        catch (Exception e) when (e is NatsException or JsonException or OperationCanceledException or ObjectDisposedException)
        {
            Console.Error.WriteLine($"cordon serve: could not give back the quota slot of run {runId} ({e.Message}); it stops counting when its lease ends, within {_lease.TotalSeconds:0} s");
        }
    }

    /// <summary>Stops refreshing the run's slot: whoever stored its result gave it back and charged its CPU (and when a node stops, the runs go on elsewhere until then).</summary>
    public ValueTask EndedAsync(ApiKey key, string runId, double cpuSeconds)
    {
        Held(key.Tenant).TryRemove(runId, out _);
        return ValueTask.CompletedTask;
    }

    private ConcurrentDictionary<string, long> Held(string tenant) => _held.GetOrAdd(tenant, _ => new(StringComparer.Ordinal));

    /// <summary>Every third of the lease: this node's slots that still count get a new lease; runs whose slot is gone (settled, or expired while this node was cut off) are let go.</summary>
    private async Task RefreshAsync()
    {
        TimeSpan every = _lease / 3;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach ((string tenant, ConcurrentDictionary<string, long> runs) in _held)
            {
                if (runs.IsEmpty) continue;
                long readFrom = Environment.TickCount64;
                try
                {
                    await QuotaLedger.UpdateAsync(_bus.Quotas, tenant, (record, now) => Refreshed(runs, record ?? QuotaRecord.Empty, now, readFrom), _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is NatsException or JsonException)
                {
                    Console.Error.WriteLine($"cordon serve: could not refresh the quota leases of tenant '{tenant}' on {_bus.Url}: {e.Message}");
                }
            }
        }
    }

    private QuotaRecord? Refreshed(ConcurrentDictionary<string, long> runs, QuotaRecord record, long now, long readFrom)
    {
        // A run held before this read began had its slot written before it: absent now, it was given back.
        foreach ((string run, long heldAt) in runs)
        {
            if (heldAt < readFrom && !record.Slots.Any(s => s.Run == run)) runs.TryRemove(run, out _);
        }

        long until = now + (long)_lease.TotalMilliseconds;
        bool Mine(QuotaSlot s) => s.Node == _node && runs.ContainsKey(s.Run);
        return record.Slots.Any(Mine) ? record with { Slots = [.. record.Slots.Select(s => Mine(s) ? s with { Until = until } : s)] } : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _refreshing;
        _stopping.Dispose();
        foreach (SemaphoreSlim turn in _turns.Values) turn.Dispose();
    }
}
