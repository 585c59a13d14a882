using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Cordon.Service.Api;

namespace Cordon.Service.Auth;

/// <summary>
/// Who is asking, and whether they may start another run now: the bearer token against the hashed keys (a constant-time
/// comparison), then the tenant's concurrent-run, per-minute and CPU quotas, counted by <paramref name="quotas"/> (in
/// this process, or shared by every API node of a NATS queue). Without keys (loopback only) every caller is the one
/// tenant <c>local</c> and only the server's own bounds apply.
/// </summary>
internal sealed class TenantGate(ImmutableArray<ApiKey> keys, ITenantQuotas quotas) : IAsyncDisposable
{
    private static readonly ApiKey Local = new("local", [], int.MaxValue, int.MaxValue, []);

    public TenantGate(ImmutableArray<ApiKey> keys)
        : this(keys, new LocalQuotas())
    {
    }

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

    /// <summary>Takes one run of the tenant's quotas for run <paramref name="runId"/>, or throws a 429 with the seconds until one frees up (a 503 when a shared count cannot be reached).</summary>
    public ValueTask AdmitAsync(ApiKey key, string runId, CancellationToken cancellationToken)
        => RequiresKeys ? quotas.AdmitAsync(key, runId, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Gives back the run <see cref="AdmitAsync"/> took now (refused after admission, or ended on this node).</summary>
    public ValueTask ReleaseAsync(ApiKey key, string runId)
        => RequiresKeys ? quotas.ReleaseAsync(key, runId) : ValueTask.CompletedTask;

    /// <summary>A queued run ended with <paramref name="cpuSeconds"/> of measured CPU time: its slot is given back and the time charged to the tenant's hourly quota.</summary>
    public ValueTask EndedAsync(ApiKey key, string runId, double cpuSeconds)
        => RequiresKeys ? quotas.EndedAsync(key, runId, cpuSeconds) : ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => quotas.DisposeAsync();
}
