using System.Collections.Immutable;

namespace Cordon.Service.Auth;

/// <summary>
/// One tenant's key as the keys file holds it: the SHA-256 of the secret (never the secret itself) and the tenant's quotas.
/// </summary>
/// <param name="Tenant">The tenant's name (queue fairness and quotas are per tenant).</param>
/// <param name="Hash">SHA-256 of the bearer token.</param>
/// <param name="MaxConcurrent">Runs queued or running at once.</param>
/// <param name="RunsPerMinute">Runs accepted per rolling minute.</param>
/// <param name="Tiers">The tiers the key may use; empty means every tier.</param>
internal sealed record ApiKey(string Tenant, ImmutableArray<byte> Hash, int MaxConcurrent, int RunsPerMinute, ImmutableArray<string> Tiers)
{
    /// <summary>CPU seconds the tenant's runs may use per rolling hour (measured, charged when each run ends), or null for no quota.</summary>
    public int? CpuSecondsPerHour { get; init; }

    /// <summary>The largest budget the key may ask for, below the server's ceilings.</summary>
    public KeyLimits Limits { get; init; } = KeyLimits.None;
}

/// <summary>A key's largest budget per run; null means the server's ceiling. A request past one is a 403 naming it; a default past one is lowered to it.</summary>
internal sealed record KeyLimits(TimeSpan? WallTime = null, TimeSpan? CpuTime = null, long? MemoryBytes = null, int? Processes = null, long? OutputBytes = null)
{
    public static KeyLimits None { get; } = new();
}
