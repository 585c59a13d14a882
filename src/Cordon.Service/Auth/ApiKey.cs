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
internal sealed record ApiKey(string Tenant, ImmutableArray<byte> Hash, int MaxConcurrent, int RunsPerMinute, ImmutableArray<string> Tiers);
