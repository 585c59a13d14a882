using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Cordon.Service.Api;

namespace Cordon.Service.Auth;

/// <summary>
/// Who is asking, and whether they may start another run now: the bearer token against the hashed keys (a constant-time
/// comparison), then the tenant's concurrent-run and per-minute quotas. Without keys (loopback only) every caller is
/// the one tenant <c>local</c> and only the server's own bounds apply.
/// </summary>
internal sealed class TenantGate(ImmutableArray<ApiKey> keys)
{
    private static readonly ApiKey Local = new("local", [], int.MaxValue, int.MaxValue, []);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, double CpuSeconds)>> _cpu = new(StringComparer.Ordinal);

    public bool RequiresKeys => !keys.IsDefaultOrEmpty;

    /// <summary>The caller's key; a 401 problem without a valid one.</summary>
    public ApiKey Authenticate(string? authorization)
    {
        if (!RequiresKeys) return Local;
        const string Bearer = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            throw new ProblemException(401, "unauthenticated", "An API key is required", "send the key as 'Authorization: Bearer KEY'");
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Bearer.Length..].Trim()));
        ApiKey? match = null;
        foreach (ApiKey key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key.Hash.AsSpan())) match = key;
        }

        return match ?? throw new ProblemException(401, "unauthenticated", "An API key is required", "the API key is not known to this server");
    }

    /// <summary>A 403 when the key may not use <paramref name="tier"/>.</summary>
    public static void Authorize(ApiKey key, string tier)
    {
        if (!key.Tiers.IsEmpty && !key.Tiers.Contains(tier))
            throw new ProblemException(403, "tier-forbidden", "The key may not use this tier", $"tenant '{key.Tenant}' may use the {string.Join(", ", key.Tiers)} tier(s), not {tier}");
    }

    /// <summary>Takes one run of the tenant's quotas, or throws a 429 with the seconds until one frees up.</summary>
    public void Admit(ApiKey key)
    {
        if (!RequiresKeys) return;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            int active = _active.GetValueOrDefault(key.Tenant);
            if (active >= key.MaxConcurrent)
            {
                throw new ProblemException(429, "quota-concurrent", "Too many runs at once",
                    $"tenant '{key.Tenant}' has {active} runs queued or running, its limit; retry when one finishes") { RetryAfterSeconds = 1 };
            }

            if (!_recent.TryGetValue(key.Tenant, out Queue<DateTimeOffset>? recent)) _recent[key.Tenant] = recent = new();
            while (recent.Count > 0 && now - recent.Peek() >= TimeSpan.FromMinutes(1)) recent.Dequeue();
            if (recent.Count >= key.RunsPerMinute)
            {
                int wait = (int)Math.Ceiling((recent.Peek() + TimeSpan.FromMinutes(1) - now).TotalSeconds);
                throw new ProblemException(429, "quota-rate", "Too many runs this minute",
                    $"tenant '{key.Tenant}' started {recent.Count} runs in the last minute, its limit of {key.RunsPerMinute}") { RetryAfterSeconds = Math.Max(1, wait) };
            }

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

                    throw new ProblemException(429, "quota-cpu", "CPU quota used up",
                        $"tenant '{key.Tenant}' used {used:0.0} CPU seconds in the last hour, its quota of {quota}") { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling((freeAt - now).TotalSeconds)) };
                }
            }

            recent.Enqueue(now);
            _active[key.Tenant] = active + 1;
        }
    }

    /// <summary>Charges a finished run's measured CPU time to the tenant's hourly quota.</summary>
    public void Charge(ApiKey key, double cpuSeconds)
    {
        if (!RequiresKeys || key.CpuSecondsPerHour is null || cpuSeconds <= 0) return;
        lock (_gate)
        {
            if (!_cpu.TryGetValue(key.Tenant, out var charges)) _cpu[key.Tenant] = charges = new();
            charges.Enqueue((DateTimeOffset.UtcNow, cpuSeconds));
        }
    }

    /// <summary>Gives back the run <see cref="Admit"/> took.</summary>
    public void Release(ApiKey key)
    {
        if (!RequiresKeys) return;
        lock (_gate) _active[key.Tenant] = Math.Max(0, _active.GetValueOrDefault(key.Tenant) - 1);
    }
}
