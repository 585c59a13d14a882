using Cordon.Execution;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>Counters of one run's cgroup, read from the host.</summary>
/// <param name="UserCpuTime">v2 <c>cpu.stat user_usec</c>; v1 <c>cpuacct.usage_user</c> (or <c>cpuacct.stat</c> ticks), scaled so user + system = total.</param>
/// <param name="SystemCpuTime">v2 <c>cpu.stat system_usec</c>; v1 <c>cpuacct.usage_sys</c> (or <c>cpuacct.stat</c> ticks), scaled likewise.</param>
/// <param name="TotalCpuTime">v2 <c>cpu.stat usage_usec</c>; v1 <c>cpuacct.usage</c>: the scheduler's exact runtime, which the CPU limit is checked against.</param>
/// <param name="PeakMemoryBytes">v2 <c>memory.peak</c> (Linux ≥ 5.19); v1 <c>memory.max_usage_in_bytes</c> or its memsw twin, whichever is larger; null when the kernel has neither.</param>
/// <param name="OomKillCount">Processes the OOM killer killed inside the run's limit (v2 <c>memory.events oom_kill</c>; v1 <c>memory.oom_control oom_kill</c>).</param>
/// <param name="TaskLimitHits">fork/clone calls that failed at <c>pids.max</c> (<c>pids.events max</c>).</param>
/// <param name="CurrentTasks">Tasks (processes and threads) alive now (<c>pids.current</c>).</param>
/// <param name="PeakTasks">Most tasks alive at once (<c>pids.peak</c>, where the kernel has it).</param>
internal sealed record CgroupUsage(TimeSpan UserCpuTime, TimeSpan SystemCpuTime, TimeSpan TotalCpuTime,
    long? PeakMemoryBytes, long OomKillCount, long TaskLimitHits, int CurrentTasks, int? PeakTasks)
{
    /// <summary>The tier-neutral result record.</summary>
    public ResourceUsage ToResourceUsage()
        => new(UserCpuTime, SystemCpuTime, PeakMemoryBytes, OomKillCount > 0, PeakTasks, TaskLimitHits > 0);
}
