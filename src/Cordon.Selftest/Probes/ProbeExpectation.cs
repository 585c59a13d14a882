using System.Collections.Immutable;
using Cordon.Execution;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

/// <summary>How a contained run of a probe ends, as the host sees it.</summary>
internal enum EndKind
{
    /// <summary>The probe exits 0 after its last check (its end line is there).</summary>
    Exits,

    /// <summary>The probe is killed by <see cref="ProbeExpectation.Signal"/> with outcome <see cref="ProbeExpectation.Outcome"/>.</summary>
    Killed,

    /// <summary>The host kills the run at a resource limit (<see cref="ProbeExpectation.Limit"/>): pids, memory, CPU, wall clock, output.</summary>
    LimitKill,
}

/// <summary>The contained outcome a probe declares: its steps' errno sets, how it ends, and the host-side evidence required.</summary>
internal sealed record ProbeExpectation
{
    /// <summary>The table's "expected" column.</summary>
    public required string Text { get; init; }

    public EndKind End { get; init; } = EndKind.Exits;

    /// <summary>For <see cref="EndKind.Killed"/>: the signal the host must see.</summary>
    public int? Signal { get; init; }

    /// <summary>For <see cref="EndKind.Killed"/>: the outcome the host must report.</summary>
    public SandboxOutcome? Outcome { get; init; }

    /// <summary>For <see cref="EndKind.Killed"/>: a clean exit with every step contained is also contained (the kernel has no such entry point).</summary>
    public bool AcceptsCleanExit { get; init; }

    /// <summary>The limit whose holding makes the verdict LIMIT rather than CONTAINED (for <see cref="EndKind.LimitKill"/> also the kill to expect).</summary>
    public LimitKind? Limit { get; init; }

    public ImmutableArray<StepRule> Steps { get; init; } = [];

    /// <summary>Syscalls the host's seccomp supervisor must have refused (evidence that the filter, not luck, answered EPERM).</summary>
    public ImmutableArray<string> Violations { get; init; } = [];

    /// <summary>Whether the end line must be present (false when the cap is expected to cut the output).</summary>
    public bool RequiresEndLine { get; init; } = true;
}
