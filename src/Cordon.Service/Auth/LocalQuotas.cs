namespace Cordon.Service.Auth;

/// <summary>
/// Quotas counted in this process's memory, for the embedded queue (every run of the server passes here): runs queued
/// or running, start times over the last rolling minute, and measured CPU charges over the last rolling hour.
/// </summary>
internal sealed class LocalQuotas : ITenantQuotas
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, double CpuSeconds)>> _cpu = new(StringComparer.Ordinal);

    public ValueTask AdmitAsync(ApiKey key, string runId, CancellationToken cancellationToken)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            int active = _active.GetValueOrDefault(key.Tenant);
            if (active >= key.MaxConcurrent) throw QuotaRefusals.Concurrent(key, active);
            if (!_recent.TryGetValue(key.Tenant, out Queue<DateTimeOffset>? recent)) _recent[key.Tenant] = recent = new();
            while (recent.Count > 0 && now - recent.Peek() >= TimeSpan.FromMinutes(1)) recent.Dequeue();
            if (recent.Count >= key.RunsPerMinute) throw QuotaRefusals.Rate(key, recent.Count, recent.Peek() + TimeSpan.FromMinutes(1) - now);
            if (key.CpuSecondsPerHour is { } quota && _cpu.TryGetValue(key.Tenant, out var charges))
            {
                while (charges.Count > 0 && now - charges.Peek().At >= TimeSpan.FromHours(1)) charges.Dequeue();
                double used = charges.Sum(c => c.CpuSeconds);
                if (used >= quota)
                {
                    // Free again once enough of the oldest charges are an hour old to fall below the quota.
                    double over = used - quota;
                    DateTimeOffset freeAt = now;
                    foreach ((DateTimeOffset at, double seconds) in charges)
                    {
                        freeAt = at + TimeSpan.FromHours(1);
                        over -= seconds;
                        if (over < 0) break;
                    }

                    throw QuotaRefusals.Cpu(key, used, freeAt - now);
                }
            }

            recent.Enqueue(now);
            _active[key.Tenant] = active + 1;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ApiKey key, string runId)
    {
        Release(key);
        return ValueTask.CompletedTask;
    }

    /// <summary>Gives the slot back and charges the run's measured CPU time to the tenant's hourly quota.</summary>
    public ValueTask EndedAsync(ApiKey key, string runId, double cpuSeconds)
    {
        Release(key);
        if (key.CpuSecondsPerHour is null || cpuSeconds <= 0) return ValueTask.CompletedTask;
        lock (_gate)
        {
            if (!_cpu.TryGetValue(key.Tenant, out var charges)) _cpu[key.Tenant] = charges = new();
            charges.Enqueue((DateTimeOffset.UtcNow, cpuSeconds));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Release(ApiKey key)
    {
        lock (_gate) _active[key.Tenant] = Math.Max(0, _active.GetValueOrDefault(key.Tenant) - 1);
    }
}
