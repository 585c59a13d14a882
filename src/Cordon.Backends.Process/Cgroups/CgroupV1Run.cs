using System.Diagnostics;
using System.Globalization;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>A run's cgroups on the legacy (v1) hierarchies: one directory per mounted hierarchy it uses.</summary>
/// <remarks>
/// Files used (cgroup-v1/*.rst): memory.limit_in_bytes, memory.memsw.limit_in_bytes (swap accounting), memory.swappiness,
/// memory.kmem.tcp.limit_in_bytes (TCP buffers),
/// memory.max_usage_in_bytes, memory.memsw.max_usage_in_bytes, memory.oom_control (oom_kill, Linux ≥ 4.13);
/// pids.max, pids.current, pids.events, pids.peak; cpuacct.usage, cpuacct.usage_user/usage_sys (≥ 4.7) or
/// cpuacct.stat; cpu.cfs_quota_us/cfs_period_us; freezer.state. v1 has no cgroup.kill: the freezer stops
/// every task (so none can fork or exit and free its pid) while each is sent SIGKILL.
/// </remarks>
internal sealed class CgroupV1Run : RunCgroup
{
    private const long CpuPeriodMicroseconds = 100_000;
    private const double UserHz = 100; // USER_HZ of cpuacct.stat, fixed at 100 by the Linux ABI

    private readonly string _memory;
    private readonly string _pids;
    private readonly string _cpuacct;
    private readonly string? _cpu;
    private readonly string? _freezer;

    internal CgroupV1Run(string name, IReadOnlyList<CgroupHierarchy> hierarchies, IReadOnlyList<string> directories, CgroupHostView host)
        : base(name, hierarchies, directories, host)
    {
        _memory = DirectoryOf("memory") ?? throw new ArgumentException("no memory hierarchy", nameof(hierarchies));
        _pids = DirectoryOf("pids") ?? throw new ArgumentException("no pids hierarchy", nameof(hierarchies));
        _cpuacct = DirectoryOf("cpuacct") ?? throw new ArgumentException("no cpuacct hierarchy", nameof(hierarchies));
        _cpu = DirectoryOf("cpu");
        _freezer = DirectoryOf("freezer");

        string? DirectoryOf(string controller)
        {
            for (int i = 0; i < hierarchies.Count; i++)
                if (hierarchies[i].Controllers.Contains(controller)) return directories[i];
            return null;
        }
    }

    /// <inheritdoc/>
    public override CgroupVersion Version => CgroupVersion.V1;

    /// <summary>Whether the freezer hierarchy is used, making <see cref="RunCgroup.KillAll"/> race-free.</summary>
    public bool HasFreezer => _freezer is not null;

    private protected override string CpuUsageFile => _cpuacct + "/cpuacct.usage";

    private protected override void ApplyLimitsCore(long? memoryBytes, int? maxTasks, double? cpuCores)
    {
        string limit = memoryBytes?.ToString(CultureInfo.InvariantCulture) ?? "-1";
        string memoryLimit = _memory + "/memory.limit_in_bytes";
        string swapLimit = _memory + "/memory.memsw.limit_in_bytes";
        // memsw.limit (memory + swap) must stay ≥ limit_in_bytes at every step: lower the memory limit first, raise memsw first.
        if (memoryBytes is null)
        {
            bool hasSwapAccounting = TryWriteLimit(swapLimit, limit);
            WriteLimit(memoryLimit, limit);
            if (!hasSwapAccounting) WriteLimit(_memory + "/memory.swappiness", "0");
        }
        else
        {
            WriteLimit(memoryLimit, limit);
            if (!TryWriteLimit(swapLimit, limit))
            {
                // Without swap accounting (swapaccount=0) the best v1 offers is not choosing this cgroup's pages for swap.
                WriteLimit(_memory + "/memory.swappiness", "0");
                AddWarning($"{swapLimit} is missing (swap accounting off): the memory limit does not count swap; memory.swappiness set to 0");
            }
        }

        // cgroup v1 charges TCP buffers to a counter of their own, unlimited unless set: a guest with a loopback network
        // could otherwise pin hundreds of MiB of socket buffers outside its memory limit. Capped at the memory limit, so
        // a run pins at most twice its limit (v2 charges socket memory to memory.current itself).
        if (memoryBytes is not null && !TryWriteLimit(_memory + "/memory.kmem.tcp.limit_in_bytes", limit))
            AddWarning("memory.kmem.tcp.limit_in_bytes is missing: TCP buffers of a networked guest are not limited by its memory limit");

        WriteLimit(_pids + "/pids.max", maxTasks?.ToString(CultureInfo.InvariantCulture) ?? "max");

        if (cpuCores is { } cores)
        {
            if (_cpu is null)
                throw new Errors.SandboxSetupException(LimitsStep, "a CPU bandwidth limit needs the cgroup v1 cpu controller, which is not mounted",
                    "mount the cpu hierarchy or use cgroup v2; see cordon doctor");
            long quota = Math.Max(1000, (long)Math.Round(cores * CpuPeriodMicroseconds));
            WriteLimit(_cpu + "/cpu.cfs_period_us", CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            WriteLimit(_cpu + "/cpu.cfs_quota_us", quota.ToString(CultureInfo.InvariantCulture));
        }
        else if (_cpu is not null)
        {
            WriteLimit(_cpu + "/cpu.cfs_quota_us", "-1");
        }
    }

    private protected override CgroupUsage ReadUsageCore()
    {
        TimeSpan user, system;
        string? usageUser = CgroupFiles.ReadOptional(_cpuacct + "/cpuacct.usage_user");
        string? usageSystem = CgroupFiles.ReadOptional(_cpuacct + "/cpuacct.usage_sys");
        if (usageUser is not null && usageSystem is not null)
        {
            user = FromNanoseconds(CgroupStatParser.ParseSingle(usageUser) ?? 0);
            system = FromNanoseconds(CgroupStatParser.ParseSingle(usageSystem) ?? 0);
        }
        else
        {
            // Linux < 4.7: only tick-based user/system split, in USER_HZ.
            string stat = CgroupFiles.ReadRequired(_cpuacct + "/cpuacct.stat");
            user = TimeSpan.FromSeconds((CgroupStatParser.FindKeyed(stat, "user") ?? 0) / UserHz);
            system = TimeSpan.FromSeconds((CgroupStatParser.FindKeyed(stat, "system") ?? 0) / UserHz);
        }
        TimeSpan total = FromNanoseconds(ReadSingle(_cpuacct + "/cpuacct.usage"));
        // cpuacct.usage is exact (scheduler runtime); the user/system split is tick-sampled and its sum can be off by
        // 10-20 % (measured here: 1.18 s against 1.05 s). Scale the split to the exact total, as the kernel's own
        // cputime_adjust() does for per-task times and for cgroup v2 cpu.stat.
        if (user + system > TimeSpan.Zero)
        {
            TimeSpan scaledUser = total * (user / (user + system));
            (user, system) = (scaledUser, total - scaledUser);
        }

        long? peakMemory = Max(
            CgroupFiles.ReadOptional(_memory + "/memory.max_usage_in_bytes") is { } ram ? CgroupStatParser.ParseSingle(ram) : null,
            CgroupFiles.ReadOptional(_memory + "/memory.memsw.max_usage_in_bytes") is { } memsw ? CgroupStatParser.ParseSingle(memsw) : null);
        long? peakTasks = CgroupFiles.ReadOptional(_pids + "/pids.peak") is { } pidsPeak ? CgroupStatParser.ParseSingle(pidsPeak) : null;

        return new CgroupUsage(
            UserCpuTime: user,
            SystemCpuTime: system,
            TotalCpuTime: total,
            PeakMemoryBytes: peakMemory,
            OomKillCount: ReadKeyed(_memory + "/memory.oom_control", "oom_kill"),
            TaskLimitHits: CgroupFiles.ReadOptional(_pids + "/pids.events") is { } events ? CgroupStatParser.FindKeyed(events, "max") ?? 0 : 0,
            CurrentTasks: (int)ReadSingle(_pids + "/pids.current"),
            PeakTasks: peakTasks is { } tasks ? (int)Math.Min(tasks, int.MaxValue) : null);

        static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
    }

    private protected override TimeSpan? ParseCpuUsage(ReadOnlySpan<byte> contents)
        => CgroupStatParser.ParseDigits(contents) is { } nanoseconds ? FromNanoseconds(nanoseconds) : null;

    private static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);

    private protected override bool IsEmptyCore() => Members().Count == 0;

    /// <summary>Every process in any of the run's hierarchies (a launcher that failed half-way joined only some).</summary>
    private HashSet<int> Members()
    {
        var pids = new HashSet<int>();
        foreach (string directory in JoinDirectories)
        {
            int errno = CgroupFiles.TryRead(directory + "/cgroup.procs", out string text);
            if (errno == Interop.Errno.ENOENT) continue;
            if (errno != 0) throw new IOException($"read {directory}/cgroup.procs: {Interop.Errno.Name(errno)}", errno);
            pids.UnionWith(CgroupStatParser.ParsePids(text));
        }
        return pids;
    }

    private protected override bool KillAllCore(Stopwatch elapsed, TimeSpan timeout)
    {
        HashSet<int> members = Members();
        if (members.Count == 0) return true;

        if (_freezer is not null)
        {
            string state = _freezer + "/freezer.state";
            bool frozen = CgroupFiles.Write(state, "FROZEN") == 0 && WaitForState(state, "FROZEN", elapsed, timeout / 2);
            try
            {
                // Frozen tasks neither fork nor exit, so the freezer's list is complete and no pid in it can be reused.
                // Anything else (a task stuck in FREEZING, or one that joined other hierarchies but not the freezer)
                // goes through the membership check.
                HashSet<int> frozenPids = [];
                if (frozen && CgroupFiles.TryRead(_freezer + "/cgroup.procs", out string procs) == 0)
                    frozenPids.UnionWith(CgroupStatParser.ParsePids(procs));
                foreach (int pid in Members())
                    if (frozenPids.Contains(pid) || IsMember(pid)) SendKill(pid);
            }
            finally
            {
                // SIGKILL takes effect once the tasks run again.
                int errno = CgroupFiles.Write(state, "THAWED");
                if (errno != 0) throw new IOException($"write 'THAWED' to {state}: {Interop.Errno.Name(errno)}", errno);
            }
        }

        // Without a freezer (or for anything that slipped through): kill and re-read until empty.
        while (true)
        {
            members = Members();
            if (members.Count == 0) return true;
            if (elapsed.Elapsed >= timeout) return false;
            foreach (int pid in members)
                if (IsMember(pid)) SendKill(pid);
            Pause();
        }
    }

    private static bool WaitForState(string path, string wanted, Stopwatch elapsed, TimeSpan timeout)
    {
        while (true)
        {
            if (CgroupFiles.TryRead(path, out string text) == 0 && text.Trim() == wanted) return true;
            if (elapsed.Elapsed >= timeout) return false;
            Pause();
        }
    }
}
