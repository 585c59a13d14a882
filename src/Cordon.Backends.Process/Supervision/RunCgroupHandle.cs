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

    /// <summary>Creates and limits the run's cgroup; null (with a warning) when none is usable and the policy allows running without.</summary>
    public static RunCgroupHandle? Create(SandboxPolicy policy, List<string> warnings)
    {
        if (!CgroupProvider.Shared.TryCreate(out RunCgroup? cgroup, out string? reason))
        {
            if (policy.RequireCgroups)
                throw new SandboxSetupException("cgroups", reason, "run as root, or delegate a cgroup v2 subtree to this user; cordon doctor shows what is missing");
            warnings.Add($"no cgroup ({reason}): memory is limited per process (RLIMIT_AS), CPU per process (RLIMIT_CPU), the process count is not limited, and usage is not measured");
            return null;
        }

        try
        {
            int? tasks = policy.Limits.MaxProcesses is { } pids ? pids + ProcessSandbox.SupervisionTasks : null;
            cgroup.ApplyLimits(policy.Limits.MemoryBytes, tasks);
            warnings.AddRange(cgroup.Warnings);
            return new RunCgroupHandle(cgroup);
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
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
