using System.Collections.Immutable;
using Cordon.Errors;

namespace Cordon.Tiers;

/// <summary>A tier's answer to one policy: every setting it degrades or refuses (what is not listed is enforced).</summary>
public sealed record PolicyAssessment(string Tier, ImmutableArray<FacetFinding> Findings)
{
    /// <summary>Whether the tier would run the policy.</summary>
    public bool Accepted => !Findings.Any(f => f.Support == FacetSupport.Refused);

    /// <summary>The warnings a run under this policy carries: one per degraded setting.</summary>
    public ImmutableArray<string> Warnings => [.. Findings.Where(f => f.Support == FacetSupport.Degraded).Select(f => $"{f.Setting}: {f.Message}")];

    /// <summary>Refuses the policy with every refused setting at once.</summary>
    /// <exception cref="PolicyValidationException">At least one setting is refused.</exception>
    public void ThrowIfRefused()
    {
        if (Accepted) return;
        throw PolicyValidationException.Create(Findings.Where(f => f.Support == FacetSupport.Refused)
            .Select(f => new PolicyError(f.Setting, $"the {Tier} tier refuses it: {f.Message}")));
    }
}
