using Cordon.Execution;
using Cordon.Selftest.Judging;
using Cordon.Units;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private const int BombPids = 32;
    /// <summary>A backstop: the bombs give up as soon as they are refused.</summary>
    private static readonly TimeSpan BombWallTime = TimeSpan.FromSeconds(6);
    private const long BombMemoryBytes = 64 * ByteSize.MiB;

    private static IEnumerable<ProbeDefinition> Resources() =>
    [
        new()
        {
            Id = "res-fork-bomb", Category = ProbeCategory.Resources, Program = C("res_fork_bomb"), Cgroups = CgroupNeed.SkippedWithout,
            Policy = (b, _) => b.WithMaxProcesses(BombPids).WithWallTime(BombWallTime),
            Description = "fork() until refused, every child pausing forever, then give up (bounded at 1024 tasks for the host's sake)",
            Expected = new()
            {
                Text = "LIMIT:pids (EAGAIN at pids.max)", End = EndKind.LimitKill, Limit = LimitKind.Pids,
                Steps = [Step("fork", ["EAGAIN"], ["UNBOUNDED", Ok])],
            },
        },
        new()
        {
            Id = "res-fork-bomb-shell", Category = ProbeCategory.Resources, NeedsHostSystemRoot = true, Program = Shell("res_fork_bomb"), Cgroups = CgroupNeed.SkippedWithout,
            Policy = (b, _) => b.WithMaxProcesses(BombPids).WithWallTime(BombWallTime),
            Description = "the bash fork bomb :(){ :|:& };:",
            Expected = new()
            {
                Text = "LIMIT:pids", End = EndKind.LimitKill, Limit = LimitKind.Pids,
                Steps = [Step("bomb", "STARTED"), Maybe("fork", ["EAGAIN"], ["UNBOUNDED"])],
            },
        },
        new()
        {
            Id = "res-thread-bomb", Category = ProbeCategory.Resources, Program = C("res_thread_bomb"), Cgroups = CgroupNeed.SkippedWithout,
            Policy = (b, _) => b.WithMaxProcesses(BombPids).WithWallTime(BombWallTime),
            Description = "pthread_create with 16 KiB stacks until refused: threads count against the process limit",
            Expected = new()
            {
                Text = "LIMIT:pids (EAGAIN)", End = EndKind.LimitKill, Limit = LimitKind.Pids,
                Steps = [Step("pthread-create", ["EAGAIN"], ["UNBOUNDED", Ok])],
            },
        },
        new()
        {
            Id = "res-memory-bomb", Category = ProbeCategory.Resources, Program = C("res_memory_bomb"), Cgroups = CgroupNeed.DegradedWithout,
            Policy = (b, _) => b.WithMemory(BombMemoryBytes),
            Description = "malloc and touch 16 MiB chunks forever under a 64 MiB limit",
            Expected = new()
            {
                Text = "LIMIT:memory (OOM in the run's cgroup)", End = EndKind.LimitKill, Limit = LimitKind.Memory,
                Steps = [Maybe("malloc", ["ENOMEM"], ["UNBOUNDED"])],
            },
            HostCheck = AllocationWithinLimit,
        },
        new()
        {
            Id = "res-memfd-bomb", Category = ProbeCategory.Resources, Program = C("res_memfd_bomb"), Cgroups = CgroupNeed.SkippedWithout,
            Policy = (b, _) => b.WithMemory(BombMemoryBytes),
            Description = "derived: memory outside the address space: memfds under RLIMIT_FSIZE each, grown with write() (RLIMIT_AS does not see it)",
            Expected = new()
            {
                Text = "LIMIT:memory", End = EndKind.LimitKill, Limit = LimitKind.Memory,
                Steps = [Maybe("memfd-*", ["ENOMEM", "ENOSPC", "EMFILE"], ["UNBOUNDED"])],
            },
        },
        new()
        {
            Id = "res-cpu-burn", Category = ProbeCategory.Resources, Program = C("res_cpu_burn"), Cgroups = CgroupNeed.SkippedWithout, Exclusive = true,
            Policy = (b, _) => b.WithCpuTime(TimeSpan.FromSeconds(1)).WithWallTime(TimeSpan.FromSeconds(6)),
            Description = "16 processes x 4 threads spinning under a 1 s CPU limit",
            Expected = new() { Text = "LIMIT:cpu (cgroup CPU time)", End = EndKind.LimitKill, Limit = LimitKind.Cpu, Steps = [Maybe("spinners", "STARTED")] },
        },
        new()
        {
            Id = "res-sleep-forever", Category = ProbeCategory.Resources, Program = C("res_sleep_forever"),
            Policy = (b, _) => b.WithWallTime(TimeSpan.FromSeconds(1)),
            Description = "ignore every catchable signal and pause() forever, with a select() child",
            Expected = new() { Text = "LIMIT:wall (SIGKILL)", End = EndKind.LimitKill, Limit = LimitKind.Wall, Steps = [Step("signals", "IGNORED")] },
        },
        new()
        {
            Id = "res-fd-exhaust", Category = ProbeCategory.Resources, Program = C("res_fd_exhaust"),
            Policy = (b, _) => b.WithOpenFiles(64),
            Description = "open /dev/null, pipes, eventfds and epoll fds until refused, in the main process and 8 children",
            Expected = new()
            {
                Text = "EMFILE at RLIMIT_NOFILE (64)", Limit = LimitKind.Descriptors,
                Steps = [Step("main", ["EMFILE"], []), Step("children", ["EMFILE"], ["OVER"])],
            },
            HostCheck = DescriptorsWithinLimit,
        },
        new()
        {
            Id = "res-rlimit-fsize", Category = ProbeCategory.Resources, Program = C("res_fsize"),
            Policy = (b, _) => b.WithFileSize(ByteSize.MiB),
            Description = "raise the hard FSIZE/NOFILE/CPU limits, then write a file past RLIMIT_FSIZE (1 MiB)",
            Expected = new()
            {
                Text = "raise EPERM; killed: SIGXFSZ", End = EndKind.Killed, Signal = 25, Outcome = SandboxOutcome.Signaled, Limit = LimitKind.FileSize,
                Steps = [Step("raise-*", Eperm), Maybe("write", ["EFBIG"], ["UNBOUNDED"])],
            },
        },
        new()
        {
            Id = "res-stack-overflow", Category = ProbeCategory.Resources, Program = C("res_stack"),
            Description = "unbounded recursion with 4 KiB frames",
            Expected = new()
            {
                Text = "killed: SIGSEGV at RLIMIT_STACK", End = EndKind.Killed, Signal = 11, Outcome = SandboxOutcome.Signaled, Limit = LimitKind.Stack,
                Steps = [Step("recursion", "STARTED")],
            },
        },
        new()
        {
            Id = "res-tmpfs-fill", Category = ProbeCategory.Resources, Program = Shell("res_tmpfs_fill"),
            Policy = (b, _) => b.WithTmpfsSize(8 * ByteSize.MiB).WithFileSize(null),
            Description = "dd 1 GiB into /tmp, /dev/shm and /work (8 MiB tmpfs each), keeping a reader of the file alive",
            Expected = new() { Text = "ENOSPC at the tmpfs size", Limit = LimitKind.Disk, Steps = [Step("fill-*", ["ENOSPC"], ["UNBOUNDED"])] },
            HostCheck = FillWithinTmpfs,
        },
    ];

    /// <summary>Without a memory cgroup the bomb stops at RLIMIT_AS: what it got must not exceed the limit.</summary>
    private static IEnumerable<Finding> AllocationWithinLimit(ProbeEvidence e)
    {
        long limitMiB = (e.Policy.Limits.MemoryBytes ?? long.MaxValue) / ByteSize.MiB;
        if (Number(e.Step("malloc")) is { } mib && mib > limitMiB) yield return Finding.Escape($"allocated {mib} MiB under a {limitMiB} MiB limit");
        if (e.Result.Usage.PeakMemoryBytes is { } peak && peak > (e.Policy.Limits.MemoryBytes ?? long.MaxValue) + ByteSize.MiB)
            yield return Finding.Escape($"peak memory {peak / ByteSize.MiB} MiB above the {limitMiB} MiB limit");
    }

    private static IEnumerable<Finding> DescriptorsWithinLimit(ProbeEvidence e)
    {
        if (Number(e.Step("main")) is { } n && n > (e.Policy.Limits.OpenFiles ?? int.MaxValue))
            yield return Finding.Escape($"opened {n} descriptors under a limit of {e.Policy.Limits.OpenFiles}");
    }

    private static IEnumerable<Finding> FillWithinTmpfs(ProbeEvidence e)
    {
        long limitMiB = (e.Policy.Limits.TmpfsSizeBytes ?? long.MaxValue) / ByteSize.MiB;
        foreach (ProbeStep step in e.Transcript.Steps.Where(s => s.Name.StartsWith("fill-", StringComparison.Ordinal)))
        {
            if (Number(step) is { } mib && mib > limitMiB + 1) yield return Finding.Escape($"{step.Name}: wrote {mib} MiB into a {limitMiB} MiB tmpfs");
        }
    }
}
