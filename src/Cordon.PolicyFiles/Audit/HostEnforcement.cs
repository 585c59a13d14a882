namespace Cordon.PolicyFiles.Audit;

/// <summary>
/// What the host can actually enforce, as <c>cordon doctor</c> measures it. The audit uses it to tell a policy that
/// says "256M" from a run that gets it: without cgroups the memory limit is per process and the process limit absent.
/// </summary>
public sealed record HostEnforcement
{
    /// <summary>Cordon runs as root (each run then gets a host uid of its own); false for a rootless install.</summary>
    public bool RunsAsRoot { get; init; }

    /// <summary>bwrap can create the sandbox's namespaces.</summary>
    public bool Namespaces { get; init; } = true;

    /// <summary>seccomp with user notification and libseccomp are usable.</summary>
    public bool Seccomp { get; init; } = true;

    /// <summary>A writable cgroup (v1 or v2) with memory, pids and CPU accounting is usable.</summary>
    public bool Cgroups { get; init; } = true;

    /// <summary>The kernel's Landlock ABI; 0 without Landlock. ABI 4+ adds TCP rules.</summary>
    public int LandlockAbi { get; init; } = 4;

    /// <summary>A host that enforces every layer, run rootless.</summary>
    public static HostEnforcement Complete { get; } = new();
}
