using Cordon.Execution;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Tools;

/// <summary>ps, sync, nproc and lscpu: what they get without a grant, and the grant that hands in the rest.</summary>
public class SystemInfoToolTests : WorkloadTest
{
    [Fact]
    public async Task Ps_and_sync_run_without_a_refused_call()
    {
        const string Script = "sync && ps -e -o pid=,comm= | wc -l | tr -d ' ' && nproc >/dev/null && echo ok";
        SandboxResult r = await ShAsync(Policy("shell"), Script);

        AssertExited(r);
        // sh, ps, wc, tr and the sandbox's init: the host's processes are not in the pid namespace.
        Assert.True(int.Parse(Stdout(r).Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture) <= 6, Stdout(r));
        Assert.EndsWith("ok\n", Stdout(r), StringComparison.Ordinal);
        Assert.Empty(r.Violations);
        bool bareOk = HostRun.Sh(HostDirectory(), Script).Stdout.EndsWith("ok\n", StringComparison.Ordinal);
        CorpusTable.Record("`sync`, `ps -e`, `nproc`", "--profile shell", bareOk ? (1, 0) : (0, 1), (1, 0), "sync is answered 0 without flushing the host's filesystems");
    }

    [Fact]
    public async Task Lscpu_needs_the_cpu_topology_handed_in_read_only()
    {
        // /sys is absent by design; lscpu names the file it misses, and --ro /sys/devices/system/cpu is the grant.
        SandboxResult without = await RunAsync(Policy("shell"), "lscpu", []);
        SandboxResult with = await RunAsync(Policy("shell", b => b.MountReadOnly("/sys/devices/system/cpu")), "lscpu", []);

        Assert.Equal(SandboxOutcome.Exited, without.Outcome);
        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("/sys/devices/system/cpu", Stderr(without), StringComparison.Ordinal);
        AssertExited(with);
        Assert.Matches(@"CPU\(s\):\s+\d+", Stdout(with));
        bool bareOk = HostRun.Run(HostDirectory(), "lscpu").ExitCode == 0;
        CorpusTable.Record("`lscpu`", "--profile shell --ro /sys/devices/system/cpu", bareOk ? (1, 0) : (0, 1), (1, 0),
            "without the grant lscpu fails: /sys is absent by design (nproc and os.cpu_count() need none)");
    }
}
