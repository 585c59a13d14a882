using System.Collections.Immutable;
using Cordon.Backends.Gvisor.Diagnostics;
using Cordon.Backends.Gvisor.Supervision;
using Cordon.Diagnostics;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Backends.Gvisor.Tier;

/// <summary>
/// The gVisor tier as the surfaces see it: the guest runs under runsc, whose Sentry (a kernel written in Go, in user
/// space) serves its syscalls, inside a cgroup Cordon owns, with the same limits and result as the process tier.
/// </summary>
public sealed class GvisorTier : ISandboxTier
{
    /// <inheritdoc />
    public string Name => "gvisor";

    /// <inheritdoc />
    public string Summary => "PROGRAM runs under gVisor's user-space kernel (runsc, ptrace platform) in a cgroup, rootless, with no network";

    /// <inheritdoc />
    public ImmutableSortedDictionary<PolicyFacet, string> Facets { get; } = ImmutableSortedDictionary.CreateRange(
    [
        KeyValuePair.Create(PolicyFacet.Filesystem, "enforced: an OCI bundle with a read-only root (the host's system directories or an image) and only the grants, served by runsc's gofer; disk budgets are not enforced (warned)"),
        KeyValuePair.Create(PolicyFacet.Network, "enforced: none or loopback (runsc --network=none: the Sentry's private loopback only); host network and allowlists are refused"),
        KeyValuePair.Create(PolicyFacet.Process, "the Sentry enforces pids (RLIMIT_NPROC), fsize, nofile, stack and the guest's uid; Cordon's seccomp profile is not applied (the Sentry serves syscalls itself; warned when the policy changes it)"),
        KeyValuePair.Create(PolicyFacet.Resources, "enforced: wall and CPU time and memory on a cgroup around runsc (the Sentry included), output caps"),
        KeyValuePair.Create(PolicyFacet.Environment, "enforced: exactly the policy's variables"),
    ]);

    /// <inheritdoc />
    public ImmutableArray<TierOption> Options => [];

    /// <inheritdoc />
    public bool HasProcesses => true;

    /// <inheritdoc />
    public TierContainment? Containment => null;

    /// <inheritdoc />
    public PolicyAssessment Assess(SandboxPolicy policy) => Assessment(policy);

    /// <summary>What this runsc cannot enforce of <paramref name="policy"/>: refused when running would mean something else, degraded when it only means less.</summary>
    internal static PolicyAssessment Assessment(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        List<FacetFinding> findings = [];
        if (policy.Network.Mode == NetworkMode.Host)
            findings.Add(new(PolicyFacet.Network, "network", FacetSupport.Refused,
                "the gvisor tier runs runsc rootless with --network=none only (this runsc build's sandbox network silently becomes the host's when rootless); use the process tier for host network"));
        if (!policy.Network.Allowed.IsEmpty)
            findings.Add(new(PolicyFacet.Network, "network.allow", FacetSupport.Refused,
                "the gvisor tier cannot enforce an allowlist (runsc has no per-destination filter); use the process tier, which checks each connect"));
        if (policy.Syscalls != SyscallPolicy.Default)
            findings.Add(new(PolicyFacet.Process, "syscalls", FacetSupport.Degraded,
                "not applied: gVisor's Sentry serves every syscall itself, so Cordon's seccomp profile and violation action do not apply and no call is refused or reported by name"));
        if (policy.RequireLandlock)
            findings.Add(new(PolicyFacet.Filesystem, "require_landlock", FacetSupport.Degraded,
                "Landlock is not used by the gvisor tier: the Sentry and runsc's gofer are its filesystem boundary"));
        if (policy.Mounts.Any(m => m.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind) || policy.WorkDirectoryHostPath is not null)
            findings.Add(new(PolicyFacet.Filesystem, "mounts", FacetSupport.Degraded,
                $"host directories keep their host owners and modes under gVisor: the guest (uid {(policy.GuestIsRoot ? 0 : Bundle.BundleWriter.GuestId)}, no capabilities) reads and writes in them only what their permissions give that uid"));
        if (policy.HasWritableGrants && policy.Limits.DiskBytes is { } disk)
            findings.Add(new(PolicyFacet.Resources, "limits.disk", FacetSupport.Degraded,
                $"{ByteSize.Format(disk)} is not enforced by the gvisor tier: writes go to the host directories through runsc's gofer"));

        return new PolicyAssessment("gvisor", [.. findings]);
    }

    /// <inheritdoc />
    public Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken) => GvisorAvailability.CheckAsync(cancellationToken);

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
        => Task.Factory.StartNew(() => Run(policy, command, settings, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <inheritdoc />
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(command);
        PolicyAssessment assessment = Assess(policy);
        assessment.ThrowIfRefused();
        return GvisorRun.Execute(policy, command, assessment.Warnings, cancellationToken);
    }
}
