using System.Collections.Immutable;

namespace Cordon.PolicyFiles.Audit;

/// <summary>The least-privilege audit of one policy: every dimension's findings and an overall exposure score.</summary>
/// <param name="ExactScore">0.0 (nothing open) to 10.0 (no sandbox), unrounded: strictly lower for a tighter policy.</param>
/// <param name="Dimensions">Each dimension with its exposure and findings.</param>
public sealed record AuditReport(double ExactScore, ImmutableArray<AuditDimension> Dimensions)
{
    /// <summary><see cref="ExactScore"/> rounded to one decimal, as printed; a tighter policy never scores higher.</summary>
    public double Score => Math.Round(ExactScore, 1, MidpointRounding.AwayFromZero);

    /// <summary>A word for the score: <c>low</c> (below 3), <c>medium</c> (below 6), <c>high</c> (below 8.5), <c>critical</c>.</summary>
    public string Rating => Score switch
    {
        < 3 => "low",
        < 6 => "medium",
        < 8.5 => "high",
        _ => "critical",
    };

    /// <summary>Every finding at or above <paramref name="severity"/>, most severe first.</summary>
    public IEnumerable<AuditFinding> FindingsAtLeast(FindingSeverity severity)
        => Dimensions.SelectMany(d => d.Findings).Where(f => f.Severity >= severity).OrderByDescending(f => f.Severity);
}
