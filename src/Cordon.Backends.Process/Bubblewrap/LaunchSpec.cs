using System.Collections.Immutable;
using Cordon.Backends.Process.Planning;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// The inputs of <see cref="LaunchCommandLine"/>, resolved once by <see cref="LaunchPlanner"/>: the policy, the command,
/// the host facts, what follows from them, and the descriptor table every number on the command line comes from.
/// </summary>
internal sealed record LaunchSpec
{
    public required SandboxPolicy Policy { get; init; }
    public required SandboxCommand Command { get; init; }
    public required LaunchHostFacts Facts { get; init; }

    /// <summary>The descriptor table; the command line names no number that is not in it.</summary>
    public required DescriptorTable Fds { get; init; }

    /// <summary><see cref="GrantedBind.All"/> of the policy, computed once.</summary>
    public required ImmutableArray<GrantedBind> Grants { get; init; }

    /// <summary>Guest paths of the generated /etc files, in descriptor order.</summary>
    public ImmutableArray<string> GeneratedEtcFiles { get; init; } = [];

    /// <summary>As root with a disk budget: each writable grant has a budget layer that an overlay puts above it.</summary>
    public bool BudgetWritableGrants { get; init; }

    /// <summary>CPU-time rlimit in seconds (soft), as the second layer behind cgroup accounting; null for none.</summary>
    public long? CpuRlimitSeconds { get; init; }

    /// <summary>Per-process address-space rlimit, used only when no memory cgroup is available.</summary>
    public long? AddressSpaceRlimitBytes { get; init; }
}
