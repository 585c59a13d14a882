namespace Cordon.Tiers;

/// <summary>How a tier handles one setting of one policy.</summary>
/// <param name="Facet">The facet the setting belongs to.</param>
/// <param name="Setting">The setting, as the policy file names it (<c>limits.fsize</c>, <c>network.allow</c>, <c>mounts[2]</c>).</param>
/// <param name="Support">Enforced, degraded or refused.</param>
/// <param name="Message">What happens and, for a refusal, what to do instead.</param>
public sealed record FacetFinding(PolicyFacet Facet, string Setting, FacetSupport Support, string Message);
