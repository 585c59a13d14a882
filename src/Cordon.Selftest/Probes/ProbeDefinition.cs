using Cordon.Policy;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

/// <summary>Whether a probe's verdict depends on a cgroup, and what to do on a host without one.</summary>
internal enum CgroupNeed
{
    /// <summary>The probe's containment does not depend on cgroups.</summary>
    None,

    /// <summary>Run it anyway (the fallback rlimits bound it); the verdict is DEGRADED.</summary>
    DegradedWithout,

    /// <summary>Do not run it (nothing would bound it on the host); the verdict is DEGRADED.</summary>
    SkippedWithout,
}

/// <summary>One hostile probe: the program, the policy it runs under, and how its containment is judged.</summary>
internal sealed record ProbeDefinition
{
    public required string Id { get; init; }

    public required ProbeCategory Category { get; init; }

    /// <summary>The hostile action, in a sentence.</summary>
    public required string Description { get; init; }

    public required ProbeProgram Program { get; init; }

    public required ProbeExpectation Expected { get; init; }

    /// <summary>Changes to the production policy this probe needs (small limits that bound a bomb, a network mode, a work directory).</summary>
    public Func<SandboxPolicyBuilder, CanaryCoordinates, SandboxPolicyBuilder>? Policy { get; init; }

    /// <summary>Whether the probe gets a host work directory bound read-write at /work.</summary>
    public bool NeedsWorkDirectory { get; init; }

    /// <summary>Run alone, after the parallel probes (CPU hogs that would skew others' timing).</summary>
    public bool Exclusive { get; init; }

    public CgroupNeed Cgroups { get; init; }

    /// <summary>Whether the verdict needs the host to see the guest's processes (a tier with its own kernel has none on the host).</summary>
    public bool NeedsHostProcesses { get; init; }

    /// <summary>
    /// Whether the probe is written against the host's system directories (it names /etc or /usr files, or runs bash
    /// and coreutils): in an image's root those are the image's or absent, so its steps would be judged on the wrong files.
    /// </summary>
    public bool NeedsHostSystemRoot { get; init; }

    /// <summary>Extra host-side checks beyond the canaries, teardown and host baseline every probe gets.</summary>
    public Func<ProbeEvidence, IEnumerable<Finding>>? HostCheck { get; init; }
}
