namespace Cordon.Backends.Process;

/// <summary>Host-side settings of the process tier (not part of the tier-neutral policy).</summary>
public sealed record ProcessBackendOptions
{
    /// <summary>
    /// When Cordon runs as root, the host uids runs get: each run in flight has one of its own (gid equal), taken from
    /// this range and given back only after the run's last process is gone. Unprivileged, a run keeps the caller's uid.
    /// </summary>
    /// <remarks>
    /// Under host root, a user namespace maps the guest to kernel uid 0: owner permission checks on visible host files
    /// would pass, and CVE-2019-5736-style attacks on host binaries would be stopped only by ETXTBSY. An unprivileged uid
    /// removes both; one per run keeps per-user kernel counts, and anything a uid can own, from being shared between
    /// tenants. Writable grants still land as the directory's owner (idmapped mounts, see the threat model).
    /// </remarks>
    public Identity.HostIdentityRange RunIdentities { get; init; } = Identity.HostIdentityRange.Default;

    /// <summary>
    /// Test seam: read-only binds bwrap makes that Landlock is NOT told about, to prove that Landlock alone stops a
    /// mistake in the mount layer. Never set outside tests.
    /// </summary>
    internal System.Collections.Immutable.ImmutableArray<(string Host, string Guest)> MountMistakesForTesting { get; init; } = [];

    /// <summary>Benchmark seam: the behaviour before a speed fix, to measure it against the fix in one run. Never set outside the harness.</summary>
    internal Supervision.SpeedBaselines Baselines { get; init; } = Supervision.SpeedBaselines.None;

    /// <summary>Receives each run's phase timings (benchmark harness and profiling); called on the supervisor thread.</summary>
    internal Action<Supervision.RunTimings>? TimingsObserver { get; init; }

    /// <summary>Test seam: receives the plan each run executes, before the spawn; called on the supervisor thread.</summary>
    internal Action<LaunchPlan>? PlanObserver { get; init; }

    /// <summary>The defaults.</summary>
    public static ProcessBackendOptions Default { get; } = new();
}
