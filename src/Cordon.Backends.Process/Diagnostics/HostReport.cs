using Cordon.Diagnostics;
using System.Collections.Immutable;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Everything <c>cordon doctor</c> found, plus the facts <c>cordon audit</c> weighs.</summary>
public sealed record HostReport
{
    /// <summary>One row per layer and fact, in <c>cordon doctor</c>'s order.</summary>
    public required ImmutableArray<HostCheck> Checks { get; init; }

    /// <summary>Effective uid of this process.</summary>
    public required uint Uid { get; init; }

    /// <summary>Whether the cgroup check found a usable interface.</summary>
    public required bool CgroupsUsable { get; init; }

    /// <summary>Landlock ABI version, 0 when the kernel has none.</summary>
    public required int LandlockAbi { get; init; }

    /// <summary>Whether seccomp with user notification (and libseccomp) is usable.</summary>
    public required bool SeccompUsable { get; init; }

    /// <summary>Whether an unprivileged-style namespace sandbox could be created (bwrap probe).</summary>
    public required bool NamespacesUsable { get; init; }

    /// <summary>True when every required layer is available: the default policy is enforced in full.</summary>
    public bool DefaultPolicyEnforced => Checks.Where(c => c.Required).All(c => c.Status == LayerStatus.Available);
}
