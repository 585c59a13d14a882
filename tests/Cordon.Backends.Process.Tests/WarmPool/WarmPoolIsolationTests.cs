using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

/// <summary>Hostile guests in warm members: they cannot reach the next member, a killed member is replaced, and disposal leaves nothing.</summary>
public class WarmPoolIsolationTests
{
    [Fact]
    public async Task A_guest_cannot_see_or_signal_the_next_member()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2);
        var members = pool.IdleMembers();
        var next = members[1];
        var watched = WarmPools.Watch(members);

        // The first member's guest lists every process it can see, signals every one (kill -1), and looks for cgroups.
        SandboxResult hostile = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh",
            ["-c", "ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '; echo; kill -9 -1; kill -9 " + next.InitPid + " " + next.BwrapPid + " 2>&1; ls /sys/fs/cgroup 2>&1 | head -1; echo end"]));
        Assert.Equal(SandboxOutcome.Exited, hostile.Outcome);
        string[] lines = WarmPools.Out(hostile).Split('\n');
        // Its own pid namespace: pid 1 (the launcher), itself and its children only; never the host's or a member's pids.
        Assert.All(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), pid => Assert.InRange(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), 1, 20));
        Assert.EndsWith("end", WarmPools.Out(hostile).TrimEnd(), StringComparison.Ordinal);

        // The next member is untouched and serves its run.
        Assert.False(watched[1].Init.Gone);
        Assert.False(watched[1].Bwrap.Gone);
        SandboxResult after = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "echo alive"]));
        Assert.Equal("alive\n", WarmPools.Out(after));
        Assert.Equal(2, pool.Statistics.WarmRuns);
        if (Interop.Libc.GetEuid() == 0)
        {
            Assert.NotNull(members[0].Uid);
            Assert.NotEqual(members[0].Uid, next.Uid);
        }
    }

    [Fact]
    public async Task A_guest_that_leaves_processes_behind_does_not_leave_them_to_the_next_run()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2);
        var first = pool.IdleMembers()[0];
        SandboxResult r = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "setsid sleep 60 & sleep 60 & echo started"]));
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.All(first.Cgroup, dir => Assert.False(Directory.Exists(dir), $"{dir} is left"));
        SandboxResult next = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "ls /proc | grep -cE '^[0-9]+$'"]));
        // pid 1, the shell, ls and grep: nothing of the previous run.
        Assert.InRange(int.Parse(WarmPools.Out(next).Trim(), System.Globalization.CultureInfo.InvariantCulture), 1, 4);
    }

    [Fact]
    public void A_member_killed_while_idle_is_discarded_and_replaced()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 2);
        var victim = pool.IdleMembers()[0];
        var watched = WarmPools.Watch([victim]);
        Assert.Equal(0, Interop.Libc.KillProcess(victim.InitPid, Interop.Libc.SigKill));
        Assert.True(WarmPools.Eventually(() => pool.Statistics.ReplacedDead >= 1 && pool.Statistics.Idle == 2), $"not replaced: {pool.Statistics}");
        Assert.DoesNotContain(pool.IdleMembers(), m => m.InitPid == victim.InitPid);
        Assert.True(WarmPools.Eventually(() => watched[0].Bwrap.Gone && watched[0].Init.Gone), "the killed member's bwrap is left");
        Assert.All(victim.Cgroup, dir => Assert.False(Directory.Exists(dir), $"{dir} is left"));
        SandboxResult r = pool.Run(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.Equal(1, pool.Statistics.WarmRuns);
    }

    [Fact]
    public async Task Disposing_the_pool_kills_every_member_and_the_run_in_flight_and_leaves_nothing_on_the_host()
    {
        string[] mountsBefore = File.ReadAllLines("/proc/self/mountinfo");
        // Run uids of its own, so that no other test's run takes one as soon as it is given back.
        var sandbox = new ProcessSandbox(new ProcessBackendOptions { RunIdentities = new Identity.HostIdentityRange(Identity.HostIdentityRange.Default.First + 60_000, 8) });
        WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, size: 3, sandbox: sandbox);
        var members = pool.IdleMembers();
        var watched = WarmPools.Watch(members);
        using var started = new ManualResetEventSlim();
        Task<SandboxResult> inFlight = pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "echo ready; exec sleep 60"])
        {
            OnEvent = e => { if (e is Cordon.Events.OutputReceived) started.Set(); },
        });
        Assert.True(started.Wait(WarmPools.FillTimeout), "the run in flight did not start");

        pool.Dispose();
        SandboxResult r = await inFlight;
        Assert.Equal(SandboxOutcome.Canceled, r.Outcome);
        Assert.Equal(0, pool.Statistics.Idle);
        Assert.Equal(SandboxOutcome.Exited, (await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"))).Outcome); // cold after disposal

        foreach (var (init, bwrap) in watched)
        {
            Assert.True(init.Gone, $"pid 1: {init}");
            Assert.True(bwrap.Gone, $"bwrap: {bwrap}");
        }

        foreach (var m in members)
        {
            Assert.All(m.Cgroup, dir => Assert.False(Directory.Exists(dir), $"{dir} is left"));
            if (m.Uid is { } uid)
            {
                string lockFile = $"/run/cordon/ids/{uid}";
                Assert.True(!File.Exists(lockFile) || new FileInfo(lockFile).Length == 0, $"uid {uid} was not given back");
                Assert.Empty(ProcessesOf(uid));
            }
        }

        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo").Except(mountsBefore), l => l.Contains("cordon", StringComparison.Ordinal));
    }

    /// <summary>Host processes whose real uid is <paramref name="uid"/>.</summary>
    private static List<int> ProcessesOf(uint uid)
    {
        List<int> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                string? line = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (line?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture)) found.Add(pid);
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
