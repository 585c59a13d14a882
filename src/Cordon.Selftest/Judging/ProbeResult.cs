using System.Collections.Immutable;
using Cordon.Execution;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Judging;

/// <summary>One probe's verdict and the evidence behind it. Text that may quote the guest is already neutralised.</summary>
public sealed record ProbeResult
{
    /// <summary>The probe's id, e.g. <c>fs-dotdot-escape</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Its attack class.</summary>
    public required ProbeCategory Category { get; init; }

    /// <summary>The hostile action, in a sentence.</summary>
    public required string Description { get; init; }

    /// <summary>The contained outcome the probe declares.</summary>
    public required string Expected { get; init; }

    /// <summary>What the host saw, in short.</summary>
    public required string Observed { get; init; }

    /// <summary>The verdict.</summary>
    public required ProbeVerdict Verdict { get; init; }

    /// <summary>For <see cref="ProbeVerdict.Limit"/>: which limit held.</summary>
    public LimitKind? Limit { get; init; }

    /// <summary>Why the verdict is DEGRADED, ESCAPED, INCONCLUSIVE or HARNESS-ERROR.</summary>
    public string? Reason { get; init; }

    /// <summary>Every finding of the judge (escapes first).</summary>
    public ImmutableArray<string> Findings { get; init; } = [];

    /// <summary>Whether the probe ran (false when skipped as DEGRADED or after a failed control).</summary>
    public bool Ran { get; init; }

    /// <summary>How long the probe took, canaries and teardown checks included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The run's outcome, when it ran.</summary>
    public SandboxOutcome? Outcome { get; init; }

    /// <summary>The guest's exit code, when it exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that ended it, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>Syscalls the seccomp supervisor refused.</summary>
    public ImmutableArray<SyscallViolation> Violations { get; init; } = [];

    /// <summary>Host-measured usage, when it ran.</summary>
    public ResourceUsage? Usage { get; init; }

    /// <summary>The run's wall time, when it ran.</summary>
    public TimeSpan? WallTime { get; init; }

    /// <summary>How many processes of the run the host saw while it was alive (launch chain and guest).</summary>
    public int ObservedProcesses { get; init; }

    /// <summary>The run's cgroup as the host saw it (<c>cordon-PID-N-RANDOM</c>), when it saw one.</summary>
    public string? ObservedCgroup { get; init; }

    /// <summary>The probe's run as the sandbox reported it (null when it did not run).</summary>
    public SandboxResult? Run { get; init; }

    /// <summary>The verdict as the table shows it (<c>LIMIT:pids</c>).</summary>
    public string VerdictText => ProbeVerdicts.Display(Verdict, Limit);
}
