using System.Collections.Immutable;

namespace Cordon.PolicyFiles.Audit;

/// <summary>One dimension of exposure (filesystem writes, network, syscalls...), scored from 0.0 (closed) to 10.0 (wide open).</summary>
/// <param name="Name">Stable name, e.g. <c>filesystem-write</c>.</param>
/// <param name="Description">What the dimension measures.</param>
/// <param name="Exposure">0.0 to 10.0, unrounded.</param>
/// <param name="Weight">How much this dimension counts in the overall score (0 to 1).</param>
/// <param name="Findings">What was found, most severe first.</param>
public sealed record AuditDimension(string Name, string Description, double Exposure, double Weight, ImmutableArray<AuditFinding> Findings);
