using System.Collections.Immutable;
using Cordon.Backends.Process.Cgroups;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Supervision;

/// <summary>The run's cgroup as the supervisor uses it: created and limited before the guest starts, killed and removed after.</summary>
internal sealed class RunCgroupHandle : ICgroupControl, IDisposable
{
    private readonly RunCgroup _cgroup;
    private CgroupUsage? _baseline;

    private RunCgroupHandle(RunCgroup cgroup) => _cgroup = cgroup;

    public ImmutableArray<string> JoinDirectories => [.. _cgroup.JoinDirectories];

    public string? CleanupProblem => _cgroup.CleanupProblem;

    /// <summary>The cgroup version and hierarchies, as the plan names them.</summary>
    public Planning.CgroupFacts Facts => new(_cgroup.Version.ToString().ToLowerInvariant(), [.. _cgroup.HierarchyNames], JoinDirectories);

    /// <summary>
    /// Creates the run's cgroup, without limits yet (the plan gives them: <see cref="Apply"/>); null with
    /// <paramref name="reason"/> when none is usable and the policy allows running without.
    /// </summary>
    public static RunCgroupHandle? Create(SandboxPolicy policy, out string? reason) => Create(CgroupProvider.Shared, policy, out reason);

    /// <summary>As <see cref="Create(SandboxPolicy, out string?)"/>, from <paramref name="provider"/>.</summary>
    public static RunCgroupHandle? Create(CgroupProvider provider, SandboxPolicy policy, out string? reason)
    {
        if (!provider.TryCreate(out RunCgroup? cgroup, out reason))
        {
            if (policy.RequireCgroups)
                throw new SandboxSetupException("cgroups", reason, "run as root, or delegate a cgroup v2 subtree to this user; cordon doctor shows what is missing");
            return null;
        }

        return new RunCgroupHandle(cgroup);
    }

    /// <summary>Writes the plan's limits; returns what could not be applied as fully as asked, for the run's warnings.</summary>
    public IReadOnlyList<string> Apply(Planning.CgroupPlan limits)
    {
        _cgroup.ApplyLimits(limits.MemoryBytes, limits.MaxTasks);
        return _cgroup.Warnings;
    }

    /// <summary>
    /// A warm sandbox's command has arrived: from now on CPU time and limit hits count from here, without what the
    /// launch chain spent while the sandbox was built (peaks of memory and tasks are not resettable and keep it, as a
    /// cold run's do).
    /// </summary>
    public void StartAccountingNow() => _baseline = _cgroup.ReadUsage();

    public TimeSpan ReadCpuTime() => _cgroup.ReadCpuUsage() - (_baseline?.TotalCpuTime ?? TimeSpan.Zero);

    public void KillAll() => _cgroup.KillAll();

    public CgroupReading Read()
    {
        CgroupUsage usage = _cgroup.ReadUsage();
        if (_baseline is { } b)
        {
            usage = usage with
            {
                UserCpuTime = NotBelowZero(usage.UserCpuTime - b.UserCpuTime),
                SystemCpuTime = NotBelowZero(usage.SystemCpuTime - b.SystemCpuTime),
                TotalCpuTime = NotBelowZero(usage.TotalCpuTime - b.TotalCpuTime),
                OomKillCount = usage.OomKillCount - b.OomKillCount,
                TaskLimitHits = usage.TaskLimitHits - b.TaskLimitHits,
            };
        }

        return new CgroupReading(usage.ToResourceUsage(), usage.OomKillCount > 0, usage.TaskLimitHits > 0);
    }

    public void Dispose() => _cgroup.Dispose();

    private static TimeSpan NotBelowZero(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}

/// <summary>Usage as the verdict needs it.</summary>
internal sealed record CgroupReading(ResourceUsage Usage, bool OomKilled, bool ProcessLimitHit)
{
    public static CgroupReading None { get; } = new(ResourceUsage.None, false, false);
}
