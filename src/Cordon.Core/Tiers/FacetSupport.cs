namespace Cordon.Tiers;

/// <summary>What a tier does with one setting of a policy.</summary>
public enum FacetSupport
{
    /// <summary>Enforced as written.</summary>
    Enforced,

    /// <summary>Runs weaker than written (or the setting has no effect); the result's warnings say so.</summary>
    Degraded,

    /// <summary>The tier refuses the policy: running it would silently mean something else.</summary>
    Refused,
}
