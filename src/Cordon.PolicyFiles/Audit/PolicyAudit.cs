using System.Collections.Immutable;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

/// <summary>
/// The least-privilege checklist (modelled on <c>systemd-analyze security</c>): each dimension of a policy gets findings
/// and an exposure from 0.0 to 10.0, and the dimensions combine into one overall score.
/// </summary>
/// <remarks>
/// <para>Within a dimension, independent doors combine like probabilities (1 - Π(1 - s/10)), so a second door always adds
/// exposure and one wide door dominates. Dimensions combine the same way, each scaled by its weight, so the overall score
/// rises with every door and a single critical door (host network, a writable host root) alone puts it above 8.</para>
/// <para>Tightening any setting never raises its dimension's exposure, and strictly lowers it for every numeric limit, so
/// a tighter policy always scores lower.</para>
/// </remarks>
public static partial class PolicyAudit
{
    /// <summary>Audits <paramref name="policy"/>; <paramref name="host"/> adds what this host can enforce (null: not checked).</summary>
    public static AuditReport Audit(SandboxPolicy policy, HostEnforcement? host = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ImmutableArray<AuditDimension> dimensions =
        [
            FilesystemWrite(policy),
            FilesystemRead(policy),
            Network(policy),
            Environment(policy),
            Syscalls(policy),
            Limits(policy),
            Privileges(policy, host),
            Enforcement(policy, host),
        ];

        double closed = 1;
        foreach (AuditDimension dimension in dimensions) closed *= 1 - (dimension.Weight * dimension.Exposure / 10);
        return new AuditReport(Math.Clamp(10 * (1 - closed), 0, 10), dimensions);
    }

    /// <summary>Independent doors: 10 × (1 − Π(1 − s/10)).</summary>
    private static double Combine(IEnumerable<double> scores)
    {
        double closed = 1;
        foreach (double s in scores) closed *= 1 - (Math.Clamp(s, 0, 10) / 10);
        return 10 * (1 - closed);
    }

    private static AuditDimension Dimension(string name, string description, double weight, double exposure, List<AuditFinding> findings)
        => new(name, description, Math.Clamp(exposure, 0, 10), weight, [.. findings.OrderByDescending(f => f.Severity)]);
}
