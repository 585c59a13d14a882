using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;
using Xunit.Abstractions;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// Run cgroups on this host's real cgroup hierarchy (v1 on the development machine, v2 wherever it is delegated):
/// real processes join them the way the launcher does, and the kernel's own counters are asserted.
/// </summary>
[Collection(RealCgroupCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class RealCgroupTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(30);

    private static RunCgroup CreateRun()
    {
        Assert.True(CgroupProvider.Shared.TryCreate(out RunCgroup? run, out string? reason),
            $"these tests need usable cgroups (root, or a delegated cgroup v2 subtree): {reason}");
        return run;
    }

    [Fact]
    public void Detection_finds_a_usable_cgroup_interface_here()
    {
        CgroupAvailability availability = CgroupProvider.Shared.Availability;
        output.WriteLine($"{availability.Version}: {string.Join("; ", availability.Hierarchies)}; v2 problem: {availability.V2Problem}");
        Assert.True(availability.IsUsable, availability.Reason);
        if (availability.Version == CgroupVersion.V1)
        {
            // This machine is hybrid: its cgroup2 mount has no controllers, and detection says so.
            Assert.Contains("cgroup v2", availability.V2Problem);
            Assert.Contains(availability.Hierarchies, h => h.Controllers.Contains("memory"));
            Assert.Contains(availability.Hierarchies, h => h.Controllers.Contains("pids"));
            Assert.Contains(availability.Hierarchies, h => h.Controllers.Contains("cpuacct"));
        }
    }

    [Fact]
    public async Task Memory_limit_OOM_kills_a_100_MiB_allocation_under_64_MiB_and_counts_it()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: 64 * MiB, maxTasks: 32);
        using var process = JoinedProcess.Start(run, "b = b'x' * (100 << 20); print(len(b))");
        (int exitCode, string stdout, _) = await process.WaitAsync(ProcessTimeout);

        CgroupUsage usage = run.ReadUsage();
        output.WriteLine($"64 MiB limit, 100 MiB allocation: exit {exitCode}, {usage}");
        Assert.Equal(128 + 9, exitCode);
        Assert.Equal("", stdout);
        Assert.True(usage.OomKillCount >= 1, $"oom kills: {usage.OomKillCount}");
        Assert.True(usage.ToResourceUsage().OomKilled);
        Assert.NotNull(usage.PeakMemoryBytes);
        Assert.True(usage.PeakMemoryBytes <= 64 * MiB + MiB, $"peak {usage.PeakMemoryBytes} above the limit");
    }

    [Fact]
    public async Task Peak_memory_covers_a_100_MiB_allocation_under_256_MiB()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 32);
        using var process = JoinedProcess.Start(run, "b = b'x' * (100 << 20); print(len(b))");
        (int exitCode, string stdout, string stderr) = await process.WaitAsync(ProcessTimeout);

        CgroupUsage usage = run.ReadUsage();
        output.WriteLine($"256 MiB limit, 100 MiB allocation: exit {exitCode}, {usage}");
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Equal((100 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), stdout.Trim());
        Assert.Equal(0, usage.OomKillCount);
        Assert.True(usage.PeakMemoryBytes > 100 * MiB, $"peak {usage.PeakMemoryBytes}");
        Assert.True(usage.PeakMemoryBytes < 256 * MiB, $"peak {usage.PeakMemoryBytes}");
    }

    [Fact]
    public async Task Pids_limit_makes_a_fork_loop_fail_with_EAGAIN_and_counts_the_hits()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 16);
        const string forkLoop = """
            import os, time, errno
            children = 0
            while True:
                try:
                    pid = os.fork()
                except OSError as e:
                    print(children, errno.errorcode[e.errno])
                    break
                if pid == 0:
                    null = os.open("/dev/null", os.O_RDWR)
                    os.dup2(null, 1)  # do not hold the test's stdout pipe open
                    os.dup2(null, 2)
                    time.sleep(60)
                    os._exit(0)
                children += 1
            """;
        using var process = JoinedProcess.Start(run, forkLoop);
        (int exitCode, string stdout, string stderr) = await process.WaitAsync(ProcessTimeout);

        CgroupUsage usage = run.ReadUsage();
        output.WriteLine($"pids.max 16 fork loop: '{stdout.Trim()}', {usage}");
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        string[] words = stdout.Trim().Split(' ');
        Assert.Equal("EAGAIN", words[1]);
        Assert.Equal(15, int.Parse(words[0], System.Globalization.CultureInfo.InvariantCulture)); // 16 tasks: the parent + 15 children
        Assert.True(usage.TaskLimitHits > 0, $"pids.events max = {usage.TaskLimitHits}");
        Assert.True(usage.ToResourceUsage().ProcessLimitHit);
        Assert.Equal(15, usage.CurrentTasks); // the sleeping children outlive their parent
        if (usage.PeakTasks is { } peak) Assert.Equal(16, peak);

        Assert.True(run.KillAll());
        // pids.current drops when init has reaped the orphaned children, a moment after they left cgroup.procs.
        await WaitUntilAsync(() => run.ReadUsage().CurrentTasks == 0);
    }

    [Fact]
    public async Task One_second_busy_loop_reports_about_one_second_of_CPU()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 32);
        using var process = JoinedProcess.Start(run, """
            import time
            start = time.process_time()
            while time.process_time() - start < 1.0:
                for _ in range(100000):  # mostly user time: process_time() itself is a syscall
                    pass
            """);
        (int exitCode, _, string stderr) = await process.WaitAsync(ProcessTimeout);

        CgroupUsage usage = run.ReadUsage();
        TimeSpan fast = run.ReadCpuUsage();
        output.WriteLine($"1 s busy loop: {usage}; ReadCpuUsage {fast}");
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        // The guest stops itself after 1 s of its own CPU time: the cgroup must have counted at least that much.
        Assert.True(usage.TotalCpuTime.TotalSeconds >= 0.95, $"cpu {usage.TotalCpuTime}");
        Assert.InRange((usage.UserCpuTime + usage.SystemCpuTime - usage.TotalCpuTime).Duration().TotalMilliseconds, 0, 50);
        Assert.True(usage.UserCpuTime > usage.SystemCpuTime, $"user {usage.UserCpuTime}, system {usage.SystemCpuTime}");
        Assert.Equal(usage.TotalCpuTime, fast);
    }

    [Fact]
    public void An_empty_run_reads_zero_usage_and_is_removed_without_a_problem()
    {
        RunCgroup run = CreateRun();
        try
        {
            run.ApplyLimits(memoryBytes: 64 * MiB, maxTasks: 8);
            // Read as often as the supervisor's poll would over a long run: the answer stays exact (the cost of a poll
            // is bench/run's to measure).
            for (int i = 0; i < 10_000; i++) Assert.Equal(TimeSpan.Zero, run.ReadCpuUsage());
            Assert.Equal(TimeSpan.Zero, run.ReadUsage().TotalCpuTime);
        }
        finally
        {
            run.Dispose();
        }
        Assert.Null(run.CleanupProblem);
    }

    [Fact]
    public async Task ReadCpuUsage_rises_while_the_guest_runs()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 32);
        using var process = JoinedProcess.Start(run, "while True: pass");
        await Task.Delay(300);
        TimeSpan first = run.ReadCpuUsage();
        await Task.Delay(300);
        TimeSpan second = run.ReadCpuUsage();

        Assert.True(second > first, $"{first} then {second}");
        Assert.True(run.KillAll());
        (int exitCode, _, _) = await process.WaitAsync(ProcessTimeout);
        Assert.Equal(128 + 9, exitCode);
    }

    [Fact]
    public async Task KillAll_kills_a_double_forked_setsid_daemon_and_Dispose_removes_everything()
    {
        RunCgroup run = CreateRun();
        string[] directories = [.. run.JoinDirectories];
        try
        {
            run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 32);
            // A classic daemon: fork, setsid, fork again, detach stdio; it reports its pid through a pipe.
            using var process = JoinedProcess.Start(run, """
                import os, time
                r, w = os.pipe()
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        null = os.open("/dev/null", os.O_RDWR)
                        for fd in (0, 1, 2):
                            os.dup2(null, fd)
                        os.write(w, str(os.getpid()).encode())
                        os.close(w)
                        time.sleep(1000)
                    os._exit(0)
                os.close(w)
                print(os.read(r, 32).decode())
                """);
            (int exitCode, string stdout, string stderr) = await process.WaitAsync(ProcessTimeout);
            Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
            int daemon = int.Parse(stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(await GoneAsync(daemon, attempts: 1), "the daemon should have survived its parents");
            Assert.False(run.IsEmpty());

            Assert.True(run.KillAll());
            Assert.True(run.IsEmpty());
            Assert.True(await GoneAsync(daemon), $"pid {daemon} still exists");
        }
        finally
        {
            run.Dispose();
        }

        Assert.Null(run.CleanupProblem);
        foreach (string directory in directories)
        {
            Assert.False(Directory.Exists(directory), $"{directory} was not removed");
            string parent = Path.GetDirectoryName(directory)!;
            Assert.Empty(OurRunDirectories(parent));
            // Other processes on this host may hold their own runs there; only then may the parent remain.
            if (Directory.Exists(parent)) Assert.NotEmpty(Directory.GetDirectories(parent));
        }
    }

    [Fact]
    public async Task Dispose_kills_what_is_still_running_and_removes_the_cgroup()
    {
        RunCgroup run = CreateRun();
        string[] directories = [.. run.JoinDirectories];
        using var process = JoinedProcess.Start(run, "import time; print('up', flush=True); time.sleep(1000)");
        try
        {
            run.ApplyLimits(memoryBytes: 256 * MiB, maxTasks: 32);
            await WaitUntilAsync(() => !run.IsEmpty());
        }
        finally
        {
            run.Dispose();
        }
        (int exitCode, _, _) = await process.WaitAsync(ProcessTimeout);
        Assert.Equal(128 + 9, exitCode);
        Assert.Null(run.CleanupProblem);
        Assert.All(directories, d => Assert.False(Directory.Exists(d)));
        Assert.Throws<ObjectDisposedException>(() => run.ReadUsage());
        Assert.True(run.KillAll()); // after Dispose: "everything was removed"
    }

    [Fact]
    public async Task Twenty_concurrent_runs_never_collide_and_are_all_removed()
    {
        var runs = new RunCgroup[20];
        var created = new List<string>[20];
        await Parallel.ForAsync(0, runs.Length, async (i, cancellation) =>
        {
            RunCgroup run = CreateRun();
            runs[i] = run;
            created[i] = [.. run.JoinDirectories];
            try
            {
                run.ApplyLimits(memoryBytes: 64 * MiB, maxTasks: 8);
                using var process = JoinedProcess.Start(run, "import os; print(os.getpid())");
                (int exitCode, _, string stderr) = await process.WaitAsync(ProcessTimeout);
                Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
                Assert.True(run.ReadUsage().TotalCpuTime > TimeSpan.Zero);
            }
            finally
            {
                run.Dispose();
            }
        });

        Assert.Equal(runs.Length, runs.Select(r => r.Name).Distinct().Count());
        Assert.Equal(runs.Length * runs[0].JoinDirectories.Count, created.SelectMany(d => d).Distinct().Count());
        Assert.All(runs, r => Assert.Null(r.CleanupProblem));
        Assert.All(created.SelectMany(d => d), d => Assert.False(Directory.Exists(d), $"{d} was not removed"));
        foreach (string parent in created[0].Select(d => Path.GetDirectoryName(d)!))
        {
            Assert.Empty(OurRunDirectories(parent));
            if (Directory.Exists(parent)) Assert.NotEmpty(Directory.GetDirectories(parent));
        }
    }

    [Fact]
    public void Null_limits_write_max_and_swap_stays_off()
    {
        using RunCgroup run = CreateRun();
        run.ApplyLimits(memoryBytes: null, maxTasks: null);
        if (run is CgroupV1Run)
        {
            string memory = run.JoinDirectories.Single(d => File.Exists(d + "/memory.limit_in_bytes"));
            string pids = run.JoinDirectories.Single(d => File.Exists(d + "/pids.max"));
            Assert.Equal("max", File.ReadAllText(pids + "/pids.max").Trim());
            Assert.True(long.Parse(File.ReadAllText(memory + "/memory.limit_in_bytes"), System.Globalization.CultureInfo.InvariantCulture) > 1L << 60);
        }
        else
        {
            string directory = run.JoinDirectories[0];
            Assert.Equal("max", File.ReadAllText(directory + "/memory.max").Trim());
            Assert.Equal("0", File.ReadAllText(directory + "/memory.swap.max").Trim());
        }
    }

    private static IEnumerable<string> OurRunDirectories(string parent)
        => Directory.Exists(parent)
            ? Directory.GetDirectories(parent, $"cordon-{Environment.ProcessId}-*")
            : [];

    private static async Task<bool> GoneAsync(int pid, int attempts = 200)
    {
        for (int i = 0; i < attempts; i++)
        {
            // The daemon was reparented to init, which reaps it; until then it is a zombie (state Z).
            string? stat = File.Exists($"/proc/{pid}/stat") ? TryRead($"/proc/{pid}/stat") : null;
            if (stat is null || stat.Contains(") Z ", StringComparison.Ordinal)) return true;
            await Task.Delay(10);
        }
        return false;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
