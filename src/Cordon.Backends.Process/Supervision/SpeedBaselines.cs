namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The process tier as it was before two kernel-path fixes, selectable only by the benchmark harness so that each fix
/// is measured against its absence in the same interleaved run.
/// </summary>
/// <param name="AsynchronousSeccompWakeups">Do not ask for synchronous wake-ups on the seccomp listener.</param>
/// <param name="JoinCgroupThroughProcs">Join cgroup v1 hierarchies through cgroup.procs (waits for an RCU grace period) instead of tasks.</param>
internal sealed record SpeedBaselines(bool AsynchronousSeccompWakeups, bool JoinCgroupThroughProcs)
{
    public static SpeedBaselines None { get; } = new(false, false);
}
