using System.Collections.Immutable;
using Cordon.Diagnostics;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Tiers;

/// <summary>
/// One isolation tier as the surfaces see it: a name, what it does with each policy facet, its own options, whether this
/// host can run it, and how to run a command on it. Tiers register in a <see cref="TierRegistry"/>; the CLI, the
/// service and the MCP server only ever talk to this interface.
/// </summary>
public interface ISandboxTier
{
    /// <summary>The name on the command line and in results: <c>process</c>, <c>wasm</c>, <c>js</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>: what the program is and what confines it.</summary>
    string Summary { get; }

    /// <summary>What the tier does with each facet in general (the per-policy answer is <see cref="Assess"/>).</summary>
    ImmutableSortedDictionary<PolicyFacet, string> Facets { get; }

    /// <summary>The tier's own options.</summary>
    ImmutableArray<TierOption> Options { get; }

    /// <summary>Whether the guest is an OS process of its own (a terminal, a working directory, signals mean something).</summary>
    bool HasProcesses { get; }

    /// <summary>Non-null when the tier's runner can itself run inside the process tier (<c>--contain</c>).</summary>
    TierContainment? Containment { get; }

    /// <summary>Every setting of <paramref name="policy"/> the tier would degrade or refuse.</summary>
    PolicyAssessment Assess(SandboxPolicy policy);

    /// <summary>Whether this host can run the tier, for <c>cordon doctor</c> and the service's health report.</summary>
    Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> under <paramref name="policy"/> with the tier's options. Refused facets throw
    /// <see cref="Errors.PolicyValidationException"/> before anything starts; degraded ones are in the result's warnings.
    /// </summary>
    Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync"/>, blocking the calling thread; a tier whose runs block anyway (the process tier) runs
    /// on the caller's thread instead of starting the thread pool.
    /// </summary>
    SandboxResult Run(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
        => RunAsync(policy, command, settings, cancellationToken).GetAwaiter().GetResult();
}
