namespace Cordon.Selftest.Judging;

/// <summary>Which resource limit a resource probe expects to hit.</summary>
public enum LimitKind
{
    /// <summary>Processes and threads (pids cgroup).</summary>
    Pids,

    /// <summary>Memory (memory cgroup OOM kill).</summary>
    Memory,

    /// <summary>CPU time (cgroup CPU accounting).</summary>
    Cpu,

    /// <summary>Wall-clock time.</summary>
    Wall,

    /// <summary>Output cap per stream.</summary>
    Output,

    /// <summary>Private tmpfs size (ENOSPC).</summary>
    Disk,

    /// <summary>RLIMIT_FSIZE (SIGXFSZ).</summary>
    FileSize,

    /// <summary>RLIMIT_NOFILE (EMFILE).</summary>
    Descriptors,

    /// <summary>RLIMIT_STACK (SIGSEGV).</summary>
    Stack,
}

/// <summary>Names of <see cref="LimitKind"/> as the table shows them.</summary>
public static class LimitKinds
{
    /// <summary><c>pids</c>, <c>memory</c>, <c>cpu</c>, <c>wall</c>, <c>output</c>, <c>disk</c>, <c>fsize</c>, <c>nofile</c>, <c>stack</c>.</summary>
    public static string Name(LimitKind kind) => kind switch
    {
        LimitKind.Pids => "pids",
        LimitKind.Memory => "memory",
        LimitKind.Cpu => "cpu",
        LimitKind.Wall => "wall",
        LimitKind.Output => "output",
        LimitKind.Disk => "disk",
        LimitKind.FileSize => "fsize",
        LimitKind.Descriptors => "nofile",
        _ => "stack",
    };
}
