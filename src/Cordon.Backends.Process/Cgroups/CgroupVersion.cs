namespace Cordon.Backends.Process.Cgroups;

/// <summary>Which cgroup interface a run uses.</summary>
internal enum CgroupVersion
{
    /// <summary>No usable cgroups: the run gets rlimits only (degraded, with a reason).</summary>
    None,

    /// <summary>Legacy per-controller hierarchies (memory, pids, cpuacct, optionally freezer and cpu).</summary>
    V1,

    /// <summary>The unified hierarchy with memory, pids and cpu delegated to our cgroup.</summary>
    V2,
}
