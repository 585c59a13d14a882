using System.Globalization;
using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// Whole runs on this host's real cgroup v2 hierarchy, whose only controller here is hugetlb (memory, pids and cpu are
/// bound to v1): the launcher makes bwrap's process in the run's cgroup with clone3(CLONE_INTO_CGROUP) and stays as
/// its parent, or, as the benchmark's baseline (and on kernels without clone3), joins through cgroup.procs and execs
/// bwrap. Either way every process of the run is in the cgroup and the supervisor sees the guest's end unchanged.
/// </summary>
[Collection(RealCgroupCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CgroupV2LaunchChainTests : IDisposable
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);

    private readonly string _mount;
    private readonly bool _enabledAtRoot;

    public CgroupV2LaunchChainTests()
    {
        Assert.True(FilesystemIdentity.IsRoot, "these tests create cgroup2 cgroups and need root");
        _mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Contains("cgroup2")).Select(f => f[4]).FirstOrDefault()
            ?? throw new InvalidOperationException("this host has no cgroup2 mount");
        Assert.Contains("hugetlb", File.ReadAllText(_mount + "/cgroup.controllers"));
        _enabledAtRoot = !File.ReadAllText(_mount + "/cgroup.subtree_control").Contains("hugetlb", StringComparison.Ordinal);
    }

    private static ProcessSandbox Sandbox(Action<LaunchPlan> observe, bool throughProcs = false) => new(new ProcessBackendOptions
    {
        CgroupsForTesting = new CgroupProvider(CgroupHostView.Current with { V2Controllers = ["hugetlb"] }),
        Baselines = new SpeedBaselines(AsynchronousSeccompWakeups: false, JoinCgroupThroughProcs: throughProcs),
        PlanObserver = observe,
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bwrap_its_pid_1_and_the_guest_are_in_the_run_cgroup_and_nothing_of_the_run_is_outside(bool throughProcs)
    {
        string? directory = null;
        var sandbox = Sandbox(plan => directory = plan.Cgroup!.JoinDirectories.Single(), throughProcs);
        using var cancel = new CancellationTokenSource(SafetyNet);
        var command = new SandboxCommand("/bin/sh", ["-c", "grep '^0::' /proc/self/cgroup; sleep 1000 & exec sleep 1000"]);

        Task<SandboxResult> running = sandbox.RunAsync(SandboxPolicy.Default, command, cancel.Token);
        // bwrap's monitor, its pid 1 (init) and the guest's two sleeps.
        Membership seen = await WaitForMembersAsync(() => directory, running, m => m.Length == 4 && m.Count(p => Command($"/proc/{p}") == "sleep 1000") == 2);
        try
        {
            string relative = seen.Directory[_mount.Length..];
            Assert.All(seen.Members, pid => Assert.Equal("0::" + relative, V2LineOf(pid)));
            // All of the run's processes are in it, and nothing else.
            int chain = seen.Chain;
            Assert.Equal(Environment.ProcessId, SandboxInit.ParentOf(chain));
            Assert.Equal(seen.Members.Order(), Descendants(chain).Order());
            // The spawned launcher stands in for bwrap outside the cgroup (clone3), or is bwrap itself (cgroup.procs).
            Assert.Equal(throughProcs, seen.Members.Contains(chain));
            if (!throughProcs) Assert.Equal(V2LineOf(Environment.ProcessId), V2LineOf(chain));
        }
        finally
        {
            await cancel.CancelAsync();
        }

        SandboxResult result = await running.WaitAsync(SafetyNet);
        // bwrap made the guest's cgroup namespace while already in the run's cgroup.
        Assert.Equal("0::/", Text(result.StandardOutput).Trim());
        Assert.Equal(SandboxOutcome.Canceled, result.Outcome);
        Assert.False(Directory.Exists(seen.Directory), "the run's cgroup is removed after the run");
    }

    [Theory]
    [InlineData("exit 7", SandboxOutcome.Exited, 7, null)]
    [InlineData("exit 0", SandboxOutcome.Exited, 0, null)]
    [InlineData("kill -TERM $$", SandboxOutcome.Signaled, null, 15)]
    [InlineData("kill -KILL $$", SandboxOutcome.Signaled, null, 9)]
    [InlineData("kill -SEGV $$", SandboxOutcome.Signaled, null, 11)]
    public async Task The_guest_s_exit_code_or_signal_comes_back_unchanged(string script, SandboxOutcome outcome, int? exitCode, int? signal)
    {
        string? directory = null;
        SandboxResult result = await Sandbox(plan => directory = plan.Cgroup!.JoinDirectories.Single())
            .RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", script]));

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(signal, result.Signal);
        Assert.StartsWith(_mount + "/", directory, StringComparison.Ordinal);
        Assert.Contains(result.Warnings, w => w.Contains("memory, task and CPU limits are not enforced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forwarded_signal_reaches_the_guest_and_a_wall_time_kill_ends_every_process()
    {
        // The supervisor finds the sandbox's pid 1 under bwrap, which is now the spawned launcher's child: both the
        // signal forwarding and the kill check that relation.
        var signals = new SignalForwarder(TimeSpan.FromSeconds(30));
        string? directory = null;
        var sandbox = Sandbox(plan => directory = plan.Cgroup!.JoinDirectories.Single());
        var trapping = new SandboxCommand("/bin/sh", ["-c", "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done"]) { Signals = signals };
        Task<SandboxResult> running = sandbox.RunAsync(SandboxPolicy.Default, trapping);
        await WaitForMembersAsync(() => directory, running, m => m.Length >= 3);
        signals.Send(15);
        SandboxResult forwarded = await running.WaitAsync(SafetyNet);
        Assert.Equal(15, forwarded.Signal);
        Assert.Contains("got-term", Text(forwarded.StandardOutput), StringComparison.Ordinal);
        Assert.Contains("which ended within", forwarded.Detail, StringComparison.Ordinal);

        SandboxPolicy oneSecond = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(1)).Build();
        SandboxResult killed = await sandbox.RunAsync(oneSecond, new SandboxCommand("/bin/sh", ["-c", "sleep 989 & sleep 989 & sleep 989"])).WaitAsync(SafetyNet);
        Assert.Equal(SandboxOutcome.WallTimeExceeded, killed.Outcome);
        Assert.False(Directory.Exists(directory), "the run's cgroup is removed after the run");
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), p => int.TryParse(Path.GetFileName(p), out _) && Command(p) == "sleep 989");
    }

    private sealed record Membership(string Directory, int[] Members, int Chain);

    /// <summary>Polls the run's cgroup.procs (20 ms apart, bounded by the safety net) until its members are <paramref name="ready"/>.</summary>
    private static async Task<Membership> WaitForMembersAsync(Func<string?> directory, Task<SandboxResult> running, Func<int[], bool> ready)
    {
        for (int attempt = 0; attempt < 3000; attempt++)
        {
            if (running.IsCompleted) throw new InvalidOperationException($"the run ended early: {(await running).Detail} {Text((await running).StandardError)}");
            if (directory() is { } dir && File.Exists(dir + "/cgroup.procs"))
            {
                int[] members = [.. CgroupStatParser.ParsePids(File.ReadAllText(dir + "/cgroup.procs"))];
                int[] outsideParents = [.. members.Select(p => SandboxInit.ParentOf(p) ?? 0).Where(p => !members.Contains(p)).Distinct()];
                if (ready(members) && outsideParents.Length == 1)
                {
                    // The topmost member is bwrap; its parent is the launcher we spawned (clone3) or this process (cgroup.procs).
                    int top = outsideParents[0];
                    int chain = top == Environment.ProcessId ? members.Single(p => SandboxInit.ParentOf(p) == top) : top;
                    return new Membership(dir, members, chain);
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the run's processes never showed up in its cgroup");
    }

    /// <summary>Every process below <paramref name="pid"/>, and <paramref name="pid"/> itself when it is in the run's cgroup, found through /proc.</summary>
    private static List<int> Descendants(int pid)
    {
        var all = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            int parent = queue.Dequeue();
            foreach (string task in Directory.GetDirectories($"/proc/{parent}/task"))
            {
                foreach (string child in File.ReadAllText(task + "/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    int c = int.Parse(child, CultureInfo.InvariantCulture);
                    all.Add(c);
                    queue.Enqueue(c);
                }
            }
        }

        if (V2LineOf(pid) == V2LineOf(all[0])) all.Add(pid);
        return all;
    }

    private static string? V2LineOf(int pid) => File.ReadLines($"/proc/{pid}/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));

    private static string Command(string procDirectory)
    {
        try
        {
            return File.ReadAllText(procDirectory + "/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Text(CapturedOutput output) => System.Text.Encoding.UTF8.GetString(output.Bytes.Span);

    public void Dispose()
    {
        if (!_enabledAtRoot) return;
        // Best effort: another run on the hierarchy may still use it.
        try
        {
            File.WriteAllText(_mount + "/cgroup.subtree_control", "-hugetlb");
        }
        catch (IOException)
        {
        }
    }
}
