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

    private RunCgroupHandle(RunCgroup cgroup) => _cgroup = cgroup;

    public ImmutableArray<string> JoinDirectories => [.. _cgroup.JoinDirectories];

    public string? CleanupProblem => _cgroup.CleanupProblem;

    /// <summary>The cgroup version and hierarchies, as the plan names them.</summary>
    public Planning.CgroupFacts Facts => new(_cgroup.Version.ToString().ToLowerInvariant(), [.. _cgroup.HierarchyNames], JoinDirectories);

    /// <summary>
    /// Creates the run's cgroup, without limits yet (the plan gives them: <see cref="Apply"/>); null with
    /// <paramref name="reason"/> when none is usable and the policy allows running without.
    /// </summary>
    public static RunCgroupHandle? Create(SandboxPolicy policy, out string? reason)
    {
        if (!CgroupProvider.Shared.TryCreate(out RunCgroup? cgroup, out reason))
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

    public TimeSpan ReadCpuTime() => _cgroup.ReadCpuUsage();

    public void KillAll() => _cgroup.KillAll();

    public CgroupReading Read()
    {
        CgroupUsage usage = _cgroup.ReadUsage();
        return new CgroupReading(usage.ToResourceUsage(), usage.OomKillCount > 0, usage.TaskLimitHits > 0);
    }

    public void Dispose() => _cgroup.Dispose();
}

/// <summary>Usage as the verdict needs it.</summary>
internal sealed record CgroupReading(ResourceUsage Usage, bool OomKilled, bool ProcessLimitHit)
{
    public static CgroupReading None { get; } = new(ResourceUsage.None, false, false);
}
