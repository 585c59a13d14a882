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
    /// The hosts file whose names the sandbox's name server trusts (for allowlists with host names): an allowed name found
    /// there resolves to its listed addresses even in a loopback or private range. Other names go to the host's resolver,
    /// whose answers in such ranges are dropped (DNS rebinding) unless an address rule names the range.
    /// </summary>
    public string HostsFile { get; init; } = "/etc/hosts";

    /// <summary>Test seam: the resolver the name server asks after the hosts file (the host's getaddrinfo by default).</summary>
    internal Func<string, System.Net.Sockets.AddressFamily, System.Net.IPAddress[]>? ResolverForTesting { get; init; }

    /// <summary>
    /// Test seam: read-only binds bwrap makes that Landlock is NOT told about, to prove that Landlock alone stops a
    /// mistake in the mount layer. Never set outside tests.
    /// </summary>
    internal System.Collections.Immutable.ImmutableArray<(string Host, string Guest)> MountMistakesForTesting { get; init; } = [];

    /// <summary>Benchmark seam: the behaviour before a speed fix, to measure it against the fix in one run. Never set outside the harness.</summary>
    internal Supervision.SpeedBaselines Baselines { get; init; } = Supervision.SpeedBaselines.None;

    /// <summary>
    /// Test and benchmark seam: where cold runs get their cgroups (the process-wide <see cref="Cgroups.CgroupProvider.Shared"/>
    /// by default), e.g. a provider for this host's cgroup v2 hierarchy when the host binds the run controllers to v1.
    /// </summary>
    internal Cgroups.CgroupProvider? CgroupsForTesting { get; init; }

    /// <summary>Receives each run's phase timings (benchmark harness and profiling); called on the supervisor thread.</summary>
    internal Action<Supervision.RunTimings>? TimingsObserver { get; init; }

    /// <summary>Test seam: receives the plan each run executes, before the spawn; called on the supervisor thread.</summary>
    internal Action<LaunchPlan>? PlanObserver { get; init; }

    /// <summary>The defaults.</summary>
    public static ProcessBackendOptions Default { get; } = new();
}
