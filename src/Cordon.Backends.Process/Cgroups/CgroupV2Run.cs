using System.Diagnostics;
using System.Globalization;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>A run's cgroup on the unified (v2) hierarchy: one directory, one set of interface files.</summary>
/// <remarks>
/// Files used (cgroup-v2.rst): memory.max, memory.swap.max, memory.oom.group (≥ 4.19), pids.max, cpu.max;
/// cpu.stat, memory.peak (≥ 5.19), memory.events, pids.current, pids.events, pids.peak (≥ 6.12);
/// cgroup.kill (≥ 5.14), with a cgroup.freeze (≥ 5.2) fallback; cgroup.events for "populated".
/// </remarks>
internal sealed class CgroupV2Run : RunCgroup
{
    private const long CpuPeriodMicroseconds = 100_000;

    internal CgroupV2Run(string name, CgroupHierarchy hierarchy, string directory, CgroupHostView host)
        : base(name, [hierarchy], [directory], host) => Directory = directory;

    /// <inheritdoc/>
    public override CgroupVersion Version => CgroupVersion.V2;

    /// <summary>The run's cgroup directory.</summary>
    public string Directory { get; }

    private protected override string CpuUsageFile => File("cpu.stat");

    private string File(string name) => Directory + "/" + name;

    /// <summary>Whether the run has <paramref name="controller"/>: always, for memory, pids and cpu, except under a test
    /// provider that manages others (<see cref="CgroupHostView.V2Controllers"/>).</summary>
    private bool Has(string controller) => Host.V2Controllers.Contains(controller);

    private protected override void ApplyLimitsCore(long? memoryBytes, int? maxTasks, double? cpuCores)
    {
        if (!Has("memory") || !Has("pids") || !Has("cpu"))
        {
            // Only a test or benchmark provider gets here (production runs require all three): say what is not limited.
            AddWarning($"{Directory} has only the cgroup v2 controllers {string.Join(", ", Host.V2Controllers)}: memory, task and CPU limits are not enforced for this run");
            return;
        }

        WriteLimit(File("memory.max"), memoryBytes?.ToString(CultureInfo.InvariantCulture) ?? "max");
        // Swap would let the guest exceed memory.max unnoticed and push the host into swapping.
        if (!TryWriteLimit(File("memory.swap.max"), "0"))
            AddWarning($"{File("memory.swap.max")} is missing (no swap accounting): swap is not limited for this run");
        // One OOM kill takes the whole run down instead of leaving a half-dead process tree (Linux ≥ 4.19).
        if (!TryWriteLimit(File("memory.oom.group"), "1"))
            AddWarning($"{File("memory.oom.group")} is missing (Linux < 4.19): an OOM kill ends one process, not the run");
        WriteLimit(File("pids.max"), maxTasks?.ToString(CultureInfo.InvariantCulture) ?? "max");
        if (cpuCores is { } cores)
        {
            long quota = Math.Max(1000, (long)Math.Round(cores * CpuPeriodMicroseconds));
            WriteLimit(File("cpu.max"), $"{quota.ToString(CultureInfo.InvariantCulture)} {CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture)}");
        }
        else
        {
            TryWriteLimit(File("cpu.max"), "max");
        }
    }

    private protected override CgroupUsage ReadUsageCore()
    {
        string cpuStat = CgroupFiles.ReadRequired(File("cpu.stat"));
        long userMicroseconds = CgroupStatParser.FindKeyed(cpuStat, "user_usec") ?? 0;
        long systemMicroseconds = CgroupStatParser.FindKeyed(cpuStat, "system_usec") ?? 0;
        long totalMicroseconds = CgroupStatParser.FindKeyed(cpuStat, "usage_usec") ?? userMicroseconds + systemMicroseconds;
        long? peakMemory = CgroupFiles.ReadOptional(File("memory.peak")) is { } peak ? CgroupStatParser.ParseSingle(peak) : null;
        long? peakTasks = CgroupFiles.ReadOptional(File("pids.peak")) is { } pidsPeak ? CgroupStatParser.ParseSingle(pidsPeak) : null;
        return new CgroupUsage(
            UserCpuTime: TimeSpan.FromMicroseconds(userMicroseconds),
            SystemCpuTime: TimeSpan.FromMicroseconds(systemMicroseconds),
            TotalCpuTime: TimeSpan.FromMicroseconds(totalMicroseconds),
            PeakMemoryBytes: peakMemory,
            OomKillCount: Has("memory") ? ReadKeyed(File("memory.events"), "oom_kill") : 0,
            TaskLimitHits: Has("pids") ? ReadKeyed(File("pids.events"), "max") : 0,
            CurrentTasks: Has("pids") ? (int)ReadSingle(File("pids.current")) : CgroupStatParser.ParsePids(CgroupFiles.ReadRequired(File("cgroup.threads"))).Count,
            PeakTasks: peakTasks is { } tasks ? (int)Math.Min(tasks, int.MaxValue) : null);
    }

    private protected override TimeSpan? ParseCpuUsage(ReadOnlySpan<byte> contents)
        => CgroupStatParser.FindKeyed(contents, "usage_usec"u8) is { } microseconds ? TimeSpan.FromMicroseconds(microseconds) : null;

    private protected override bool IsEmptyCore()
    {
        // "populated" covers the whole subtree and ignores zombies; cgroup.procs is the fallback if it is unreadable.
        if (CgroupFiles.ReadOptional(File("cgroup.events")) is { } events
            && CgroupStatParser.FindKeyed(events, "populated") is { } populated)
            return populated == 0;
        return CgroupStatParser.ParsePids(CgroupFiles.ReadRequired(File("cgroup.procs"))).Count == 0;
    }

    private protected override bool KillAllCore(Stopwatch elapsed, TimeSpan timeout)
    {
        bool hasKillFile = KillOnce();
        while (!IsEmptyCore())
        {
            if (elapsed.Elapsed >= timeout) return false;
            Pause();
            // A task mid-fork when cgroup.kill ran is caught by the kernel; repeating is for the fallback path.
            if (!hasKillFile) KillOnce();
        }
        return true;
    }

    /// <summary>Writes cgroup.kill, or without it (Linux &lt; 5.14) freezes, SIGKILLs each process and thaws; whether cgroup.kill exists.</summary>
    private bool KillOnce()
    {
        int errno = CgroupFiles.Write(File("cgroup.kill"), "1");
        if (errno == 0) return true;
        if (errno != Interop.Errno.ENOENT)
            throw new IOException($"write '1' to {File("cgroup.kill")}: {Interop.Errno.Name(errno)}", errno);

        bool frozen = CgroupFiles.Write(File("cgroup.freeze"), "1") == 0 && WaitFrozen();
        try
        {
            // Frozen tasks cannot exit, so their pids cannot be reused before the signal lands.
            foreach (int pid in CgroupStatParser.ParsePids(CgroupFiles.ReadRequired(File("cgroup.procs"))))
                if (frozen || IsMember(pid)) SendKill(pid);
        }
        finally
        {
            _ = CgroupFiles.Write(File("cgroup.freeze"), "0");
        }
        return false;
    }

    private bool WaitFrozen()
    {
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < TimeSpan.FromMilliseconds(500))
        {
            if (CgroupFiles.ReadOptional(File("cgroup.events")) is { } events && CgroupStatParser.FindKeyed(events, "frozen") == 1)
                return true;
            Pause();
        }
        return false;
    }
}
