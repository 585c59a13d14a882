namespace Cordon.Tiers;

/// <summary>The parts of a policy a tier answers for separately.</summary>
public enum PolicyFacet
{
    /// <summary>The root filesystem, grants (mounts), the work directory, copied files.</summary>
    Filesystem,

    /// <summary>The network namespace and any allowlist.</summary>
    Network,

    /// <summary>Settings that only mean something for OS processes: the syscall profile, process count, file size, open files, stack, the guest's uid.</summary>
    Process,

    /// <summary>The budget every tier enforces in its own way: wall time, CPU time, memory, output, disk.</summary>
    Resources,

    /// <summary>The guest's environment variables.</summary>
    Environment,
}
