using System.Collections.Immutable;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest;

/// <summary>The verdicts of one selftest run.</summary>
/// <param name="Probes">Every probe's result, in suite order (controls first).</param>
/// <param name="SuiteErrors">Failures outside any one probe: something of a run outlived the suite, a canary directory could not be removed.</param>
/// <param name="Duration">Wall time of the whole suite.</param>
/// <param name="CgroupsAvailable">Whether runs got a memory and pids cgroup on this host, as this user.</param>
/// <param name="CgroupReason">Why not, in Cordon's words, when they did not.</param>
/// <param name="HostUid">The effective uid the suite ran as.</param>
public sealed record SelftestReport(ImmutableArray<ProbeResult> Probes, ImmutableArray<string> SuiteErrors, TimeSpan Duration,
    bool CgroupsAvailable, string? CgroupReason, uint HostUid)
{
    /// <summary>OK, CONTAINED and LIMIT verdicts.</summary>
    public int Passed => Probes.Count(p => p.Verdict.IsPassed());

    /// <summary>ESCAPED, INCONCLUSIVE and HARNESS-ERROR verdicts.</summary>
    public int Failed => Probes.Count(p => p.Verdict.IsFailed());

    /// <summary>DEGRADED verdicts: limits this host cannot enforce for this user.</summary>
    public int Degraded => Probes.Count(p => p.Verdict == ProbeVerdict.Degraded);

    /// <summary>ESCAPED verdicts.</summary>
    public int Escaped => Probes.Count(p => p.Verdict == ProbeVerdict.Escaped);

    /// <summary>True when nothing failed and nothing outlived the suite.</summary>
    public bool Succeeded => Failed == 0 && SuiteErrors.IsEmpty;
}
