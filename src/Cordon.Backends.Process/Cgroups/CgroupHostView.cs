namespace Cordon.Backends.Process.Cgroups;

/// <summary>Where <see cref="CgroupProvider"/> learns this process's cgroup layout; replaceable so tests can point it at a fake tree.</summary>
/// <param name="ProcSelfCgroupPath">Normally <c>/proc/self/cgroup</c>.</param>
/// <param name="MountInfoPath">Normally <c>/proc/self/mountinfo</c>.</param>
internal sealed record CgroupHostView(string ProcSelfCgroupPath, string MountInfoPath)
{
    /// <summary>The running process's real view.</summary>
    public static CgroupHostView Current { get; } = new("/proc/self/cgroup", "/proc/self/mountinfo");

    /// <summary>
    /// Test seam: called with each directory right after this code created it. A fake cgroup2 tree in a temp
    /// directory uses it to create the interface files the kernel would (cgroupfs populates them itself).
    /// </summary>
    public Action<string>? AfterMakeDirectory { get; init; }

    /// <summary>Test seam: called with each run directory just before it is removed (a fake tree deletes its files here).</summary>
    public Action<string>? BeforeRemoveDirectory { get; init; }

    /// <summary>The cgroup v2 controllers every run needs (tests on a host whose cgroup2 has only others use those).</summary>
    public IReadOnlyList<string> V2Controllers { get; init; } = ["memory", "pids", "cpu"];

    /// <summary>The pid this process has in <c>cgroup.procs</c> files (a fake tree names another).</summary>
    public int ProcessId { get; init; } = Environment.ProcessId;

    /// <summary>How long <see cref="RunCgroup.KillAll"/> waits by default for the last task to go.</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long removal retries EBUSY (an exiting task can keep a cgroup busy for a moment).</summary>
    public TimeSpan RemoveTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
