using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

/// <summary>
/// Leases: a run's work directory taken before the run (a member's own when one is ready), filled by the caller, then
/// run warm; the directory is never another run's, and is removed with the lease whether it ran or not.
/// </summary>
public class WarmLeaseTests
{
    /// <summary>A shape with a work directory; its path is a per-run grant, so any path gives the same shape.</summary>
    private static SandboxPolicy WithWork(string path = "/tmp") => new SandboxPolicyBuilder().WithWorkDirectory(path).Build();

    [Fact]
    public void The_work_directory_path_is_a_per_run_grant_but_its_presence_is_part_of_the_shape()
    {
        using WarmSandboxPool pool = new(WithWork(), new WarmPoolOptions { Size = 1 });
        Assert.True(pool.Matches(WithWork("/usr")));
        Assert.False(pool.Matches(SandboxPolicy.Default));
        Assert.False(pool.Matches(new SandboxPolicyBuilder(WithWork()).WithMemory(100 * 1024 * 1024).Build()));
    }

    [Fact]
    public async Task A_lease_of_the_shape_runs_warm_over_the_files_written_into_its_directory_and_gives_the_cold_document()
    {
        using WarmSandboxPool pool = WarmPools.Filled(WithWork());
        string memberDirectory = Assert.Single(pool.IdleWorkDirectories());
        Assert.Equal(0b111_000_000, (int)File.GetUnixFileMode(memberDirectory) & 0x1FF);
        const string Script = "cat in.txt; pwd; echo made > out.txt; ls -a";

        using WarmLease lease = pool.Lease(WithWork("/var"));
        Assert.True(lease.IsWarm);
        Assert.Equal(memberDirectory, lease.WorkDirectory);
        Assert.Equal(lease.WorkDirectory, lease.Policy.WorkDirectoryHostPath);
        File.WriteAllText(Path.Combine(lease.WorkDirectory, "in.txt"), "hello\n");
        SandboxResult warm = await lease.RunAsync(new SandboxCommand("/bin/sh", ["-c", Script]));
        Assert.Equal((1L, 0L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        Assert.Equal("made\n", File.ReadAllText(Path.Combine(lease.WorkDirectory, "out.txt")));

        string cold = Directory.CreateTempSubdirectory("cordon-test-cold-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(cold, "in.txt"), "hello\n");
            SandboxResult reference = await new ProcessSandbox().RunAsync(WithWork(cold), new SandboxCommand("/bin/sh", ["-c", Script]));
            Assert.Equal((reference.Outcome, reference.ExitCode), (warm.Outcome, warm.ExitCode));
            Assert.Equal("hello\n/work\n.\n..\nin.txt\nout.txt\n", WarmPools.Out(warm));
            Assert.Equal(WarmPools.Out(reference), WarmPools.Out(warm));
            Assert.Equal(reference.Limits, warm.Limits);
        }
        finally
        {
            Directory.Delete(cold, recursive: true);
        }

        lease.Dispose();
        Assert.False(Directory.Exists(memberDirectory), "the lease's directory is left");
    }

    [Fact]
    public async Task The_next_lease_gets_a_fresh_directory_and_sees_nothing_of_the_last_run()
    {
        using WarmSandboxPool pool = WarmPools.Filled(WithWork(), size: 2);
        string first;
        using (WarmLease lease = pool.Lease(WithWork()))
        {
            first = lease.WorkDirectory;
            File.WriteAllText(Path.Combine(first, "secret"), "first run's\n");
            SandboxResult r = await lease.RunAsync(new SandboxCommand("/bin/sh", ["-c", "echo more > left-behind; (sleep 30 &) ; echo started"]));
            Assert.Equal("started\n", WarmPools.Out(r));
        }

        Assert.False(Directory.Exists(first));
        using WarmLease second = pool.Lease(WithWork());
        Assert.True(second.IsWarm);
        Assert.NotEqual(first, second.WorkDirectory);
        Assert.Empty(Directory.EnumerateFileSystemEntries(second.WorkDirectory));
        SandboxResult next = await second.RunAsync(new SandboxCommand("/bin/sh", ["-c", "ls -A; ls /proc | grep -c '^[0-9]'"]));
        // Nothing in /work, and only the shell, ls/grep and pid 1 in the pid namespace: no sleep of the last run.
        Assert.Equal(SandboxOutcome.Exited, next.Outcome);
        string[] lines = WarmPools.Out(next).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.True(int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture) <= 4, WarmPools.Out(next));
        Assert.Equal(2, pool.Statistics.WarmRuns);
    }

    [Fact]
    public void A_lease_that_never_runs_tears_down_its_member_and_removes_its_directory()
    {
        using WarmSandboxPool pool = WarmPools.Filled(WithWork());
        var watched = WarmPools.Watch(pool.IdleMembers());
        var cgroups = pool.IdleMembers().SelectMany(m => m.Cgroup).ToList();
        WarmLease lease = pool.Lease(WithWork());
        Assert.True(lease.IsWarm);
        File.WriteAllText(Path.Combine(lease.WorkDirectory, "never-run.py"), "print(1)\n");
        lease.Dispose();

        Assert.False(Directory.Exists(lease.WorkDirectory));
        foreach (var (init, bwrap) in watched)
        {
            Assert.True(init.Gone, $"pid 1: {init}");
            Assert.True(bwrap.Gone, $"bwrap: {bwrap}");
        }

        Assert.All(cgroups, dir => Assert.False(Directory.Exists(dir), $"{dir} is left"));
        Assert.Equal((0L, 0L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        Assert.Throws<ObjectDisposedException>(() => lease.Run(new SandboxCommand("/bin/true")));
        // The member is never offered again: the pool builds a new one.
        Assert.True(pool.WaitForIdle(1, WarmPools.FillTimeout));
        Assert.NotEqual(watched[0].Init.Pid, pool.IdleMembers()[0].InitPid);
    }

    [Fact]
    public async Task A_lease_of_another_shape_runs_cold_in_a_fresh_private_directory()
    {
        using WarmSandboxPool pool = WarmPools.Filled(WithWork());
        SandboxPolicy other = new SandboxPolicyBuilder(WithWork()).WithMemory(100 * 1024 * 1024).Build();
        string directory;
        using (WarmLease lease = pool.Lease(other))
        {
            directory = lease.WorkDirectory;
            Assert.False(lease.IsWarm);
            Assert.DoesNotContain(directory, pool.IdleWorkDirectories());
            Assert.Equal(0b111_000_000, (int)File.GetUnixFileMode(directory) & 0x1FF);
            File.WriteAllText(Path.Combine(directory, "in.txt"), "cold\n");
            SandboxResult r = await lease.RunAsync(new SandboxCommand("/bin/cat", ["in.txt"]));
            Assert.Equal("cold\n", WarmPools.Out(r));
            Assert.Equal(100 * 1024 * 1024, r.Limits.MemoryBytes);
            Assert.Throws<InvalidOperationException>(() => lease.Run(new SandboxCommand("/bin/true")));
        }

        Assert.False(Directory.Exists(directory));
        Assert.Equal((0L, 1L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        Assert.Equal(1, pool.Statistics.Idle);
    }

    [Fact]
    public async Task A_plain_run_granting_its_own_work_directory_runs_cold()
    {
        using WarmSandboxPool pool = WarmPools.Filled(WithWork());
        string directory = Directory.CreateTempSubdirectory("cordon-test-plain-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "in.txt"), "mine\n");
            SandboxResult r = await pool.RunAsync(WithWork(directory), new SandboxCommand("/bin/cat", ["in.txt"]));
            Assert.Equal("mine\n", WarmPools.Out(r));
            Assert.Equal((0L, 1L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Disposing_the_pool_takes_the_member_of_a_lease_not_yet_run_whose_run_then_goes_cold()
    {
        WarmSandboxPool pool = WarmPools.Filled(WithWork());
        var watched = WarmPools.Watch(pool.IdleMembers());
        using WarmLease lease = pool.Lease(WithWork());
        Assert.True(lease.IsWarm);
        File.WriteAllText(Path.Combine(lease.WorkDirectory, "in.txt"), "still here\n");
        pool.Dispose();
        foreach (var (init, bwrap) in watched)
        {
            Assert.True(init.Gone, $"pid 1: {init}");
            Assert.True(bwrap.Gone, $"bwrap: {bwrap}");
        }

        SandboxResult r = await lease.RunAsync(new SandboxCommand("/bin/cat", ["in.txt"]));
        Assert.Equal("still here\n", WarmPools.Out(r));
        Assert.Equal((0L, 1L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        lease.Dispose();
        Assert.False(Directory.Exists(lease.WorkDirectory));
    }
}
