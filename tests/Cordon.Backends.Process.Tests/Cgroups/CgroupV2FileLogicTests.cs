using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;
using Cordon.Errors;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// cgroup v2 FILE-LOGIC tests against a fake cgroup2 tree of ordinary files (<see cref="FakeCgroup2Tree"/>). They
/// check which files are written with what, how counters are parsed, and the reasons given; they do not prove
/// the kernel accepts the values, because this machine's real cgroup2 hierarchy has no controllers.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CgroupV2FileLogicTests : IDisposable
{
    private readonly FakeCgroup2Tree _tree = new();

    public void Dispose() => _tree.Dispose();

    private RunCgroup Create(CgroupProvider? provider = null)
    {
        provider ??= new CgroupProvider(_tree.Host);
        Assert.True(provider.TryCreate(out RunCgroup? run, out string? reason), reason);
        return run;
    }

    [Fact]
    public void FileLogic_detection_picks_v2_enables_controllers_in_our_cgroup_and_removes_its_probe()
    {
        var provider = new CgroupProvider(_tree.Host);

        CgroupAvailability availability = provider.Availability;

        Assert.Equal(CgroupVersion.V2, availability.Version);
        Assert.Null(availability.Reason);
        Assert.Equal(_tree.OurDirectory, Assert.Single(availability.Hierarchies).Directory);
        Assert.Equal("+memory +pids +cpu", FakeCgroup2Tree.Read(_tree.OurDirectory + "/cgroup.subtree_control"));
        Assert.Equal(2, _tree.Created.Count); // cordon/ and the probe
        Assert.False(Directory.Exists(_tree.RunsParent), "the probe and the cordon parent should be gone");
    }

    [Fact]
    public void FileLogic_run_directory_is_a_named_child_of_cordon_with_the_controllers_enabled()
    {
        using RunCgroup run = Create();

        Assert.Equal(CgroupVersion.V2, run.Version);
        Assert.Matches(@"^cordon-\d+-\d+-[0-9a-f]{8}$", run.Name);
        Assert.Equal(_tree.RunsParent + "/" + run.Name, Assert.Single(run.JoinDirectories));
        Assert.Equal("+memory +pids +cpu", FakeCgroup2Tree.Read(_tree.RunsParent + "/cgroup.subtree_control"));
        Assert.Equal("memory pids cpu", FakeCgroup2Tree.Read(run.JoinDirectories[0] + "/cgroup.controllers").Trim());
    }

    [Fact]
    public void FileLogic_ApplyLimits_writes_memory_swap_oom_group_pids_and_cpu()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];

        run.ApplyLimits(memoryBytes: 64L << 20, maxTasks: 32, cpuCores: 1.5);

        Assert.Equal("67108864", FakeCgroup2Tree.Read(directory + "/memory.max"));
        Assert.Equal("0", FakeCgroup2Tree.Read(directory + "/memory.swap.max"));
        Assert.Equal("1", FakeCgroup2Tree.Read(directory + "/memory.oom.group"));
        Assert.Equal("32", FakeCgroup2Tree.Read(directory + "/pids.max"));
        Assert.Equal("150000 100000", FakeCgroup2Tree.Read(directory + "/cpu.max"));
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void FileLogic_ApplyLimits_writes_max_for_null_but_keeps_swap_off()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];

        run.ApplyLimits(memoryBytes: null, maxTasks: null);

        Assert.Equal("max", FakeCgroup2Tree.Read(directory + "/memory.max"));
        Assert.Equal("0", FakeCgroup2Tree.Read(directory + "/memory.swap.max"));
        Assert.Equal("max", FakeCgroup2Tree.Read(directory + "/pids.max"));
        Assert.Equal("max", FakeCgroup2Tree.Read(directory + "/cpu.max"));
    }

    [Fact]
    public void FileLogic_missing_swap_accounting_is_a_warning_and_a_missing_controller_file_is_a_setup_error()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];
        File.Delete(directory + "/memory.swap.max");

        run.ApplyLimits(memoryBytes: 64L << 20, maxTasks: 8);
        Assert.Contains(run.Warnings, w => w.Contains("memory.swap.max is missing", StringComparison.Ordinal));

        File.Delete(directory + "/pids.max");
        var error = Assert.Throws<SandboxSetupException>(() => run.ApplyLimits(memoryBytes: 64L << 20, maxTasks: 8));
        Assert.Equal("cgroup-limits", error.Step);
        Assert.Contains($"write '8' to {directory}/pids.max: ENOENT", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void FileLogic_ApplyLimits_rejects_nonsense_before_writing()
    {
        using RunCgroup run = Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => run.ApplyLimits(memoryBytes: 0, maxTasks: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.ApplyLimits(memoryBytes: 1, maxTasks: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.ApplyLimits(memoryBytes: 1, maxTasks: 1, cpuCores: double.NaN));
        Assert.Equal("max\n", FakeCgroup2Tree.Read(run.JoinDirectories[0] + "/memory.max"));
    }

    [Fact]
    public void FileLogic_ReadUsage_parses_cpu_stat_memory_events_pids_events_and_peaks()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];
        // Real kernel output formats (Linux 6.x).
        File.WriteAllText(directory + "/cpu.stat",
            "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\ncore_sched.force_idle_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n");
        File.WriteAllText(directory + "/memory.events", "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 1\n");
        File.WriteAllText(directory + "/memory.peak", "68157440\n");
        File.WriteAllText(directory + "/pids.events", "max 5\n");
        File.WriteAllText(directory + "/pids.current", "3\n");
        File.WriteAllText(directory + "/pids.peak", "16\n");

        CgroupUsage usage = run.ReadUsage();

        Assert.Equal(TimeSpan.FromMicroseconds(1_000_000), usage.UserCpuTime);
        Assert.Equal(TimeSpan.FromMicroseconds(234_567), usage.SystemCpuTime);
        Assert.Equal(TimeSpan.FromMicroseconds(1_234_567), usage.TotalCpuTime);
        Assert.Equal(68157440, usage.PeakMemoryBytes);
        Assert.Equal(1, usage.OomKillCount);
        Assert.Equal(5, usage.TaskLimitHits);
        Assert.Equal(3, usage.CurrentTasks);
        Assert.Equal(16, usage.PeakTasks);
        Assert.Equal(TimeSpan.FromMicroseconds(1_234_567), run.ReadCpuUsage());

        var resources = usage.ToResourceUsage();
        Assert.True(resources.OomKilled);
        Assert.True(resources.ProcessLimitHit);
        Assert.Equal(16, resources.PeakProcesses);
    }

    [Fact]
    public void FileLogic_ReadUsage_tolerates_kernels_without_memory_peak_and_pids_peak()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];
        File.Delete(directory + "/memory.peak");
        File.Delete(directory + "/pids.peak");

        CgroupUsage usage = run.ReadUsage();

        Assert.Null(usage.PeakMemoryBytes);
        Assert.Null(usage.PeakTasks);
    }

    [Fact]
    public void FileLogic_ReadCpuUsage_rereads_the_same_open_file()
    {
        using RunCgroup run = Create();
        string stat = run.JoinDirectories[0] + "/cpu.stat";
        File.WriteAllText(stat, "usage_usec 10\nuser_usec 10\nsystem_usec 0\n");
        Assert.Equal(TimeSpan.FromMicroseconds(10), run.ReadCpuUsage());

        // Same length, so the open descriptor sees the new bytes on a regular file as on cgroupfs.
        using (var writer = new FileStream(stat, FileMode.Open, FileAccess.Write))
            writer.Write("usage_usec 99\nuser_usec 99\nsystem_usec 0\n"u8);
        Assert.Equal(TimeSpan.FromMicroseconds(99), run.ReadCpuUsage());
    }

    [Fact]
    public void FileLogic_KillAll_writes_cgroup_kill_and_waits_for_populated_0()
    {
        using RunCgroup run = Create();
        string directory = run.JoinDirectories[0];
        File.WriteAllText(directory + "/cgroup.events", "populated 1\nfrozen 0\n");

        Assert.False(run.KillAll(TimeSpan.FromMilliseconds(50)));
        Assert.Equal("1", FakeCgroup2Tree.Read(directory + "/cgroup.kill"));
        Assert.False(run.IsEmpty());

        File.WriteAllText(directory + "/cgroup.events", "populated 0\nfrozen 0\n");
        Assert.True(run.KillAll());
        Assert.True(run.IsEmpty());
    }

    [Fact]
    public void FileLogic_Dispose_removes_the_run_and_the_last_run_removes_cordon()
    {
        RunCgroup first = Create();
        RunCgroup second = Create();

        first.Dispose();
        Assert.Null(first.CleanupProblem);
        Assert.False(Directory.Exists(first.JoinDirectories[0]));
        Assert.True(Directory.Exists(_tree.RunsParent), "the parent stays while another run uses it");

        second.Dispose();
        Assert.Null(second.CleanupProblem);
        Assert.False(Directory.Exists(_tree.RunsParent));
        second.Dispose(); // idempotent
    }

    [Fact]
    public void FileLogic_Dispose_never_throws_and_records_what_it_left_behind()
    {
        RunCgroup run = Create();
        string directory = run.JoinDirectories[0];
        File.WriteAllText(directory + "/cgroup.events", "populated 1\nfrozen 0\n"); // a task that never dies

        run.Dispose();

        Assert.NotNull(run.CleanupProblem);
        Assert.Contains("tasks still in", run.CleanupProblem, StringComparison.Ordinal);
        Assert.Contains($"rmdir {directory}: ENOTEMPTY", run.CleanupProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void FileLogic_concurrent_creation_gives_distinct_directories()
    {
        var provider = new CgroupProvider(_tree.Host);
        // The fake populates a new directory after mkdir returns, which cgroupfs does atomically; a first run makes
        // sure no concurrent creator sees a half-populated cordon/ (the real races are covered in RealCgroupTests).
        RunCgroup keeper = Create(provider);
        var runs = new RunCgroup[20];
        Parallel.For(0, runs.Length, i => runs[i] = Create(provider));

        Assert.Equal(runs.Length, runs.Select(r => r.JoinDirectories[0]).Distinct().Count());
        Parallel.ForEach(runs, r => r.Dispose());
        Assert.All(runs, r => Assert.Null(r.CleanupProblem));
        Assert.True(Directory.Exists(_tree.RunsParent));
        keeper.Dispose();
        Assert.False(Directory.Exists(_tree.RunsParent));
    }

    [Fact]
    public void FileLogic_run_creation_recreates_a_parent_removed_in_between()
    {
        var provider = new CgroupProvider(_tree.Host);
        Assert.True(provider.Availability.IsUsable);
        using RunCgroup keeper = Create(provider);
        Assert.True(Directory.Exists(_tree.RunsParent));
        keeper.Dispose();
        Assert.False(Directory.Exists(_tree.RunsParent));

        using RunCgroup run = Create(provider);
        Assert.True(Directory.Exists(run.JoinDirectories[0]));
    }
}
