using Cordon.Diagnostics;
using Cordon.Tiers;

namespace Cordon.Service.Api;

/// <summary>
/// The tiers' availability as <c>GET /v1/health</c> reports it, checked at most once per <see cref="Freshness"/>.
/// A check can be a real sandboxed run (the gVisor tier starts runsc), so a health probe, which needs no key,
/// must not cost a sandbox each time; concurrent probes share one check.
/// </summary>
internal sealed class TierHealthCache(TierRegistry tiers)
{
    /// <summary>How long one round of checks answers for.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private TierHealth[]? _last;
    private long _checkedAt;

    public async Task<TierHealth[]> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached) return cached;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again) return again;
            List<TierHealth> health = [];
            foreach (ISandboxTier tier in tiers.All)
            {
                HostCheck check = await tier.CheckAvailabilityAsync(cancellationToken);
                health.Add(new TierHealth(tier.Name, check.Status.ToString().ToLowerInvariant(), check.Detail, check.Fix));
            }

            _last = [.. health];
            _checkedAt = Environment.TickCount64;
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private TierHealth[]? Fresh()
        => _last is { } last && Environment.TickCount64 - _checkedAt < (long)Freshness.TotalMilliseconds ? last : null;
}
