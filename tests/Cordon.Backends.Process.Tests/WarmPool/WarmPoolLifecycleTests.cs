using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

/// <summary>A member serves one run; other shapes run cold; idle members are bounded, reaped, replaced; disposal leaves nothing.</summary>
public class WarmPoolLifecycleTests
{
    [Fact]
    public async Task Each_run_takes_its_own_member_which_is_torn_down_after_it()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2);
        var members = pool.IdleMembers();
        var watched = WarmPools.Watch(members);
        Assert.Equal(2, members.Count);
        Assert.NotEqual(members[0].InitPid, members[1].InitPid);
        Assert.NotEqual(members[0].BwrapPid, members[1].BwrapPid);
        if (members[0].Cgroup.Count > 0) Assert.Empty(members[0].Cgroup.Intersect(members[1].Cgroup));
        if (Interop.Libc.GetEuid() == 0) Assert.NotEqual(members[0].Uid, members[1].Uid);

        SandboxResult first = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
        SandboxResult second = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
        Assert.Equal(SandboxOutcome.Exited, first.Outcome);
        Assert.Equal(SandboxOutcome.Exited, second.Outcome);
        Assert.Equal(2, pool.Statistics.WarmRuns);

        // Both members are gone, processes and cgroups, before the results were returned; none is ever offered again.
        foreach (var (init, bwrap) in watched)
        {
            Assert.True(init.Gone, $"pid 1 of a used member: {init}");
            Assert.True(bwrap.Gone, $"bwrap of a used member: {bwrap}");
        }

        foreach (var member in members)
        {
            Assert.All(member.Cgroup, dir => Assert.False(Directory.Exists(dir), $"{dir} is left"));
        }

        Assert.True(pool.WaitForIdle(2, WarmPools.FillTimeout), "the pool did not refill");
        var refilled = pool.IdleMembers();
        Assert.Empty(refilled.Select(m => m.InitPid).Intersect(members.Select(m => m.InitPid)));
    }

    [Fact]
    public async Task A_policy_of_another_shape_runs_cold_and_one_differing_only_in_environment_or_wall_time_runs_warm()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default);
        SandboxPolicy otherShape = new SandboxPolicyBuilder().WithMemory(100 * 1024 * 1024).Build();
        SandboxPolicy network = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build();
        SandboxPolicy sameShape = new SandboxPolicyBuilder().SetEnvironment("A", "b").WithWallTime(TimeSpan.FromSeconds(7)).WithMaxOutput(4096).Build();
        Assert.False(pool.Matches(otherShape));
        Assert.False(pool.Matches(network));
        Assert.True(pool.Matches(sameShape));

        SandboxResult cold = await pool.RunAsync(otherShape, new SandboxCommand("/bin/true"));
        Assert.Equal(SandboxOutcome.Exited, cold.Outcome);
        Assert.Equal((0L, 1L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
        Assert.Equal(1, pool.Statistics.Idle);

        SandboxResult warm = await pool.RunAsync(sameShape, new SandboxCommand("/bin/sh", ["-c", "echo $A"]));
        Assert.Equal("b\n", WarmPools.Out(warm));
        Assert.Equal(TimeSpan.FromSeconds(7), warm.Limits.WallTime);
        Assert.Equal((1L, 1L), (pool.Statistics.WarmRuns, pool.Statistics.ColdRuns));
    }

    [Fact]
    public async Task A_run_with_no_member_ready_goes_cold()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default);
        Task<SandboxResult> holding = pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sleep", ["1"]));
        // Taken synchronously by RunAsync; the second run may find the refill not ready yet and then runs cold, or warm.
        SandboxResult second = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
        Assert.Equal(SandboxOutcome.Exited, second.Outcome);
        Assert.Equal(SandboxOutcome.Exited, (await holding).Outcome);
        Assert.Equal(2, pool.Statistics.WarmRuns + pool.Statistics.ColdRuns);
        Assert.True(pool.Statistics.WarmRuns >= 1);
    }

    [Fact]
    public async Task Time_limits_count_from_the_command_not_from_the_build()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(2)).Build();
        using WarmSandboxPool pool = WarmPools.Filled(policy);
        // Longer than the wall limit: were it counted from the build, the run would be killed at once.
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        SandboxResult r = await pool.RunAsync(policy, new SandboxCommand("/bin/sh", ["-c", "sleep 0.3; echo done"]));
        Assert.Equal(1, pool.Statistics.WarmRuns);
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.Equal("done\n", WarmPools.Out(r));
    }

    [Fact]
    public void Idle_members_are_reaped_after_the_idle_timeout_and_not_rebuilt_until_asked()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2, idle: TimeSpan.FromMilliseconds(500));
        var members = pool.IdleMembers();
        var watched = WarmPools.Watch(members);
        Assert.True(WarmPools.Eventually(() => pool.Statistics.Idle == 0 && pool.Statistics.ReapedIdle >= 2), "idle members were not reaped");
        Assert.All(watched, w => Assert.True(WarmPools.Eventually(() => w.Init.Gone && w.Bwrap.Gone), $"left: {w.Init}, {w.Bwrap}"));
        Assert.All(members, m => Assert.All(m.Cgroup, dir => Assert.False(Directory.Exists(dir), $"{dir} is left")));
        long built = pool.Statistics.Built;
        Thread.Sleep(300);
        Assert.Equal(built, pool.Statistics.Built);

        // A run asks again: it goes cold, and the pool refills behind it.
        SandboxResult r = pool.Run(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.True(WarmPools.Eventually(() => pool.Statistics.Built > built), "the pool did not refill after a run asked");
    }

    [Fact]
    public void The_pool_never_holds_more_idle_members_than_its_size()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2);
        Thread.Sleep(500);
        Assert.Equal(2, pool.Statistics.Idle);
        Assert.Equal(2, pool.Statistics.Built);
    }

    [Fact]
    public void A_shape_that_copies_a_host_file_in_is_refused_with_the_reason()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
            SandboxPolicy policy = new SandboxPolicyBuilder().CopyFile("/extra", file).Build();
            var e = Assert.Throws<Cordon.Errors.PolicyValidationException>(() => new WarmSandboxPool(policy));
            Assert.Contains("copied", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
