using System.Collections.Immutable;
using Cordon.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Backends.Process.Tier;

/// <summary>The process tier as the surfaces see it: bubblewrap, seccomp, Landlock, cgroups and rlimits around an OS process.</summary>
public sealed class ProcessTier : ISandboxTier
{
    private readonly Lazy<ProcessSandbox> _sandbox;

    /// <summary>The tier over a sandbox with <paramref name="options"/>.</summary>
    public ProcessTier(ProcessBackendOptions? options = null) : this(() => options ?? ProcessBackendOptions.Default)
    {
    }

    /// <summary>The tier over a sandbox whose options are read at its first run (reading them may fail with a setup error, e.g. a bad uid range).</summary>
    public ProcessTier(Func<ProcessBackendOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sandbox = new Lazy<ProcessSandbox>(() => new ProcessSandbox(options()));
    }

    /// <inheritdoc />
    public string Name => "process";

    /// <inheritdoc />
    public string Summary => "PROGRAM is a host program run in namespaces with seccomp, Landlock, a cgroup and rlimits (the default)";

    /// <inheritdoc />
    public ImmutableSortedDictionary<PolicyFacet, string> Facets { get; } = ImmutableSortedDictionary.CreateRange(
    [
        KeyValuePair.Create(PolicyFacet.Filesystem, "enforced: a new mount namespace with only the root and the grants, Landlock as a second layer; an image root is bound read-only entry by entry, with Cordon's own /proc, /dev, /tmp and work directory"),
        KeyValuePair.Create(PolicyFacet.Network, "enforced: a new network namespace (none, loopback) or the host's; an allowlist of host names (a per-sandbox name server resolves only those) and addresses with ports and protocol (each connect and datagram checked by the supervisor, allowed ones opened and sent from the host's namespace)"),
        KeyValuePair.Create(PolicyFacet.Process, "enforced: the seccomp profile, pids, fsize, nofile and stack, the guest's uid"),
        KeyValuePair.Create(PolicyFacet.Resources, "enforced: wall and CPU time, memory (cgroup), output caps, disk budgets (as root)"),
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

    /// <summary>What the tier refuses of <paramref name="policy"/> (everything else it enforces).</summary>
    internal static PolicyAssessment Assessment(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        List<FacetFinding> findings = [];
        foreach (NetworkDestination rule in policy.Network.Allowed)
        {
            if (rule.HostName is not null && policy.Root.Kind != FilesystemRootKind.HostSystem)
                findings.Add(new(PolicyFacet.Network, "network.allow", FacetSupport.Refused, $"'{rule}': host names are resolved by Cordon's name server, which the guest reaches through the /etc Cordon writes, and an image or empty root brings no such /etc; name the address or CIDR range instead"));
        }

        if (!policy.Network.Allowed.IsEmpty && policy.Network.Mode == NetworkMode.Host)
            findings.Add(new(PolicyFacet.Network, "network.allow", FacetSupport.Refused, "an allowlist with the host network would allow nothing less than everything; use network none or loopback with the allowlist"));
        return new PolicyAssessment("process", [.. findings]);
    }

    /// <inheritdoc />
    public Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        try
        {
            string bwrap = HostTools.FindBwrap();
            string launcher = HostTools.FindLauncher();
            return Task.FromResult(new HostCheck("process tier", LayerStatus.Available, $"bubblewrap at {bwrap}, launcher at {launcher} (the layers are checked one by one above)", null, Required: true));
        }
        catch (BackendUnavailableException e)
        {
            return Task.FromResult(new HostCheck("process tier", LayerStatus.Missing, e.Message, e.Fix, Required: true));
        }
    }

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
        => _sandbox.Value.RunAsync(policy, command, cancellationToken);

    /// <inheritdoc />
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
        => _sandbox.Value.Run(policy, command, cancellationToken);
}
