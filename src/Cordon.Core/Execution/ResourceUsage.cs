namespace Cordon.Execution;

/// <summary>What the guest consumed, measured from the host (cgroup counters, wait status), never reported by the guest.</summary>
/// <param name="UserCpuTime">CPU time in user mode, all guest processes.</param>
/// <param name="SystemCpuTime">CPU time in kernel mode, all guest processes.</param>
/// <param name="PeakMemoryBytes">High-water mark of the run's memory cgroup; null without one.</param>
/// <param name="OomKilled">Whether the kernel's OOM killer killed a guest process inside the run's limit.</param>
/// <param name="PeakProcesses">Most tasks alive at once, where the kernel reports it.</param>
/// <param name="ProcessLimitHit">Whether a fork or clone failed at the process limit.</param>
public sealed record ResourceUsage(TimeSpan UserCpuTime, TimeSpan SystemCpuTime, long? PeakMemoryBytes,
    bool OomKilled, int? PeakProcesses, bool ProcessLimitHit)
{
    /// <summary>User plus system CPU time.</summary>
    public TimeSpan TotalCpuTime => UserCpuTime + SystemCpuTime;

    /// <summary>Nothing measured.</summary>
    public static ResourceUsage None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, null, false, null, false);
}
