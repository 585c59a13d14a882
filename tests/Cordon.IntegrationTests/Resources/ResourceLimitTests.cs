using System.Diagnostics;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.IntegrationTests.Resources;

public class ResourceLimitTests : SandboxTest
{
    [Fact]
    public async Task Busy_loop_is_killed_at_the_cpu_limit_and_reports_its_cpu_time()
    {
        // The wall limit is generous: on a loaded host a spinning guest gets a small share of a CPU, and its second of
        // CPU time must still come first.
        SandboxPolicy policy = new SandboxPolicyBuilder().WithCpuTime(TimeSpan.FromSeconds(1)).WithWallTime(TimeSpan.FromMinutes(2)).Build();
        SandboxResult r = await ShAsync("while :; do :; done", policy);
        Assert.Equal(SandboxOutcome.CpuTimeExceeded, r.Outcome);
        // The limit held (no kill before it) and the CPU kill came first (no wall kill); how soon after the limit the
        // kill lands depends on the machine's load, so it is not asserted here.
        Assert.True(r.Usage.TotalCpuTime.TotalSeconds >= 0.95, $"cpu {r.Usage.TotalCpuTime}");
        Assert.True(r.WallTime.TotalSeconds >= 0.95, $"wall {r.WallTime}");
    }

    [Fact]
    public async Task Busy_loop_is_killed_at_the_wall_limit_when_that_comes_first()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithCpuTime(TimeSpan.FromSeconds(10)).WithWallTime(TimeSpan.FromSeconds(1)).Build();
        SandboxResult r = await ShAsync("while :; do :; done", policy);
        Assert.Equal(SandboxOutcome.WallTimeExceeded, r.Outcome);
        Assert.True(r.WallTime.TotalSeconds >= 1, $"wall {r.WallTime}");
    }

    [Fact]
    public async Task Sleeping_forever_ignoring_signals_is_killed_at_the_wall_limit()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMilliseconds(700)).Build();
        SandboxResult r = await PythonAsync("import signal; [signal.signal(s, signal.SIG_IGN) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)]; signal.pause()", policy);
        Assert.Equal(SandboxOutcome.WallTimeExceeded, r.Outcome);
        Assert.True(r.WallTime.TotalMilliseconds >= 700, $"wall {r.WallTime}");
    }

    [Fact]
    public async Task A_limit_kill_leaves_no_zombie_of_the_sandbox_for_the_host_to_reap()
    {
        int[] before = [.. HostState.ZombieLaunchers()];
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMilliseconds(300)).Build();
        SandboxResult r = await ShAsync("sleep 10 & sleep 10", policy);
        Assert.Equal(SandboxOutcome.WallTimeExceeded, r.Outcome);
        Assert.Equal(9, r.Signal);
        // bwrap's monitor reaps the sandbox's pid 1. Were the monitor killed first, pid 1 would be left to the host's
        // init as a zombie, which a container's pid 1 that does not reap would keep forever.
        Assert.Empty(HostState.ZombieLaunchers().Except(before));
    }

    [Fact]
    public async Task Memory_bomb_is_oom_killed_inside_its_limit()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMemory(64 * ByteSize.MiB).Build();
        SandboxResult r = await PythonAsync("chunks = []\nwhile True: chunks.append(bytearray(16 * 1024 * 1024))", policy);
        Assert.Equal(SandboxOutcome.MemoryExceeded, r.Outcome);
        Assert.True(r.Usage.OomKilled);
        Assert.InRange(r.Usage.PeakMemoryBytes ?? 0, 32 * ByteSize.MiB, 64 * ByteSize.MiB);
    }

    [Fact]
    public async Task A_100_MiB_allocation_reports_a_peak_above_100_MiB()
    {
        SandboxResult r = await PythonAsync("b = bytearray(100 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])");
        AssertExited(r);
        Assert.True(r.Usage.PeakMemoryBytes > 100 * ByteSize.MiB, $"peak {r.Usage.PeakMemoryBytes}");
    }

    [Fact]
    public async Task Fork_bomb_is_contained_and_the_host_can_still_fork()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxProcesses(32).WithWallTime(TimeSpan.FromSeconds(2)).Build();
        SandboxResult r = await RunAsync(policy, "bash", "-c", ":(){ :|:& };:; sleep 10");
        Assert.Equal(SandboxOutcome.ProcessLimitExceeded, r.Outcome);
        Assert.True(r.Usage.ProcessLimitHit);
        Assert.True(r.Usage.PeakProcesses is null or <= 32 + 2, $"peak tasks {r.Usage.PeakProcesses}");
        using var probe = Process.Start("true")!;
        await probe.WaitForExitAsync();
        Assert.Equal(0, probe.ExitCode);
    }

    [Fact]
    public async Task Thread_bomb_counts_against_the_process_limit()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxProcesses(16).WithWallTime(TimeSpan.FromSeconds(3)).Build();
        SandboxResult r = await PythonAsync("""
            import threading, time
            n = 0
            try:
                while True:
                    threading.Thread(target=time.sleep, args=(60,), daemon=True).start(); n += 1
            except RuntimeError as e:
                print("stopped after", n, e); raise SystemExit(3)
            """, policy);
        Assert.Equal(SandboxOutcome.ProcessLimitExceeded, r.Outcome);
        Assert.Contains("can't start new thread", Stdout(r));
    }

    [Fact]
    public async Task A_daemonised_grandchild_does_not_outlive_the_run()
    {
        string marker = $"cordon-daemon-{Guid.NewGuid():N}";
        SandboxResult r = await PythonAsync($$"""
            import os, signal, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    for s in (signal.SIGHUP, signal.SIGTERM): signal.signal(s, signal.SIG_IGN)
                    os.execvp("sleep", ["sleep", "1000", "{{marker}}"])
                os._exit(0)
            print("parent leaving")
            """);
        AssertExited(r);
        await Task.Delay(200);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), d =>
        {
            try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(marker, StringComparison.Ordinal); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        });
    }

    [Fact]
    public async Task Output_flood_is_capped_and_flagged_without_growing_the_supervisor()
    {
        // How fast 1 GiB goes through a pipe is the machine's business: the wall limit is only a safety net.
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxOutput(64 * ByteSize.KiB).WithWallTime(TimeSpan.FromMinutes(2)).WithCpuTime(TimeSpan.FromMinutes(2)).Build();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        SandboxResult r = await ShAsync("head -c 1073741824 /dev/zero", policy);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        AssertExited(r);
        Assert.True(r.StandardOutput.Truncated);
        Assert.Equal(64 * ByteSize.KiB, r.StandardOutput.Bytes.Length);
        Assert.Equal(ByteSize.GiB, r.StandardOutput.TotalBytes);
        Assert.True(allocated < 16 * ByteSize.MiB, $"supervisor allocated {allocated} bytes for a 1 GiB flood");
    }

    [Fact]
    public async Task Output_flood_with_the_kill_action_ends_the_run()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxOutput(4 * ByteSize.KiB).WithOutputAction(OutputAction.Kill).Build();
        SandboxResult r = await RunAsync(policy, "yes");
        Assert.Equal(SandboxOutcome.OutputExceeded, r.Outcome);
    }

    [Fact]
    public async Task Filling_tmp_hits_enospc_inside_and_writes_nothing_on_the_host()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithTmpfsSize(8 * ByteSize.MiB).WithFileSize(null).Build();
        SandboxResult r = await ShAsync("dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>&1; echo rc=$?", policy);
        Assert.Contains("No space left on device", Stdout(r));
    }

    [Fact]
    public async Task A_file_size_bomb_gets_sigxfsz()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithFileSize(ByteSize.MiB).Build();
        SandboxResult r = await RunAsync(policy, "dd", "if=/dev/zero", "of=/tmp/big", "bs=1M", "count=4");
        Assert.Equal(SandboxOutcome.Signaled, r.Outcome);
        Assert.Equal(25, r.Signal);
    }

    [Fact]
    public async Task Descriptor_exhaustion_stops_at_the_limit()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithOpenFiles(64).Build();
        SandboxResult r = await PythonAsync("""
            import os, errno
            fds = []
            try:
                while True: fds.append(os.open("/dev/null", os.O_RDONLY))
            except OSError as e:
                print(len(fds), errno.errorcode[e.errno])
            """, policy);
        AssertExited(r);
        Assert.Matches(@"^6\d EMFILE", Stdout(r));
    }

    [Fact]
    public async Task Fifty_concurrent_runs_get_the_right_verdicts_and_leave_nothing()
    {
        // The quick runs' wall limit is generous: fifty sandboxes starting at once on a small host must not meet it.
        SandboxPolicy quick = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMinutes(2)).Build();
        SandboxPolicy slow = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMilliseconds(500)).Build();
        Task<SandboxResult>[] runs = [.. Enumerable.Range(0, 50).Select(i => i % 5 == 0
            ? Sandbox.RunAsync(slow, new SandboxCommand("sleep", ["10"]))
            : Sandbox.RunAsync(quick, new SandboxCommand("/bin/sh", ["-c", $"echo {i}; exit {i % 7}"])))];
        SandboxResult[] results = await Task.WhenAll(runs);
        for (int i = 0; i < 50; i++)
        {
            if (i % 5 == 0) Assert.Equal(SandboxOutcome.WallTimeExceeded, results[i].Outcome);
            else
            {
                AssertExited(results[i], i % 7);
                Assert.Equal($"{i}\n", Stdout(results[i]));
            }
        }
    }
}
