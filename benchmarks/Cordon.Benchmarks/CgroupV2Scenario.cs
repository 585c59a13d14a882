using System.Diagnostics;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Cgroups;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Benchmarks;

/// <summary>
/// Library runs whose cgroup is on this host's cgroup v2 hierarchy, before and after the launcher's v2 fix: bwrap's
/// process made in the run's cgroup with clone3(CLONE_INTO_CGROUP), against the launcher writing its pid to
/// cgroup.procs (which waits for an RCU grace period). On a hybrid host whose cgroup2 mount offers only other
/// controllers (hugetlb here), the runs use those: joining costs the same whatever the controllers.
/// </summary>
internal sealed class CgroupV2Scenario : IDisposable
{
    public const string CloneInto = "library /bin/true, cgroup v2 (clone3 into the cgroup)";
    public const string ThroughProcs = "library /bin/true, cgroup v2 through cgroup.procs (before)";
    public const string EnterCloneInto = "cordon-launch enter /bin/true, cgroup v2 (clone3 into the cgroup)";
    public const string EnterThroughProcs = "cordon-launch enter /bin/true, cgroup v2 through cgroup.procs (before)";

    private readonly ProcessSandbox _cloneInto;
    private readonly ProcessSandbox _throughProcs;
    private readonly SandboxPolicy _policy;
    private readonly RunCgroup _enterCgroup;
    private readonly string _launcher = HostTools.FindLauncher();

    private CgroupV2Scenario(CgroupProvider provider, SandboxPolicy policy, RunCgroup enterCgroup)
    {
        _policy = policy;
        _enterCgroup = enterCgroup;
        _cloneInto = new ProcessSandbox(new ProcessBackendOptions { CgroupsForTesting = provider });
        _throughProcs = new ProcessSandbox(new ProcessBackendOptions
        {
            CgroupsForTesting = provider,
            Baselines = new SpeedBaselines(AsynchronousSeccompWakeups: false, JoinCgroupThroughProcs: true),
        });
    }

    /// <summary>The scenario, or null with the reason it cannot run here.</summary>
    public static CgroupV2Scenario? TryCreate(SandboxPolicy policy, out string? skipped)
    {
        skipped = null;
        CgroupProvider provider = CgroupProvider.Shared;
        if (provider.Availability.Version != CgroupVersion.V2)
        {
            string? mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Contains("cgroup2")).Select(f => f[4]).FirstOrDefault();
            string? own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (mount is null || own is null)
            {
                skipped = "no cgroup2 mount";
                return null;
            }

            string[] controllers = File.ReadAllText(mount + (own == "/" ? "" : own) + "/cgroup.controllers").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            provider = new CgroupProvider(CgroupHostView.Current with { V2Controllers = controllers });
            if (provider.Availability.Version != CgroupVersion.V2)
            {
                skipped = provider.Availability.V2Problem ?? "cgroup v2 is not usable here";
                return null;
            }
        }

        if (!provider.TryCreate(out RunCgroup? enterCgroup, out skipped)) return null;
        return new CgroupV2Scenario(provider, policy, enterCgroup);
    }

    /// <summary>
    /// The launcher alone (the supervisor's spawn of <c>enter</c> to the reaped exit of <c>/bin/true</c>, no bwrap): the
    /// join without the rest of a run. Interleaved with other scenarios, so a write is never right after another (the
    /// wait is a process's first write once the lock has gone back to its fast mode).
    /// </summary>
    public double RunEnter(bool throughProcs)
    {
        List<string> argv = [_launcher, "enter", "--status-fd", "3", "--cgroup", _enterCgroup.JoinDirectories[0]];
        if (throughProcs) argv.Add("--cgroup-procs");
        argv.AddRange(["--", "/bin/true"]);
        var (ms, _, status, _) = ChildProcess.Run(argv, highestDevNullFd: 3);
        if (status != 0) throw new InvalidOperationException($"{string.Join(' ', argv)} exited with status {status}");
        return ms;
    }

    public void Dispose() => _enterCgroup.Dispose();

    public double RunCloneInto() => Run(_cloneInto);

    public double RunThroughProcs() => Run(_throughProcs);

    private double Run(ProcessSandbox sandbox)
    {
        long start = Stopwatch.GetTimestamp();
        SandboxResult r = sandbox.RunAsync(_policy, new SandboxCommand("/bin/true")).GetAwaiter().GetResult();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (r.Outcome != SandboxOutcome.Exited || r.ExitCode != 0) throw new InvalidOperationException($"benchmark guest failed on cgroup v2: {r.Outcome} {r.ExitCode} {r.Detail}");
        return ms;
    }

    /// <summary>
    /// --cgroup-v2-only: the two v2 runs, the default library run and bare bwrap, interleaved; prints the table and the
    /// before/after ratio.
    /// </summary>
    public static int Report(int runs, SandboxPolicy policy, Func<double> bareBwrap, Func<double> library)
    {
        using CgroupV2Scenario? v2 = TryCreate(policy, out string? skipped);
        if (v2 is null)
        {
            Console.Error.WriteLine($"cgroup v2 scenario skipped: {skipped}");
            return 1;
        }

        var scenarios = new List<(string Name, Func<double> Measure)>
        {
            ("bwrap /bin/true", bareBwrap),
            ("library /bin/true (default cgroups)", library),
            (CloneInto, v2.RunCloneInto),
            (ThroughProcs, v2.RunThroughProcs),
            (EnterCloneInto, () => v2.RunEnter(throughProcs: false)),
            (EnterThroughProcs, () => v2.RunEnter(throughProcs: true)),
        };
        foreach (var (_, measure) in scenarios) measure();
        var samples = scenarios.ToDictionary(s => s.Name, _ => new List<double>());
        var shuffle = new Random(42);
        for (int round = 0; round < runs; round++)
        {
            foreach (var (name, measure) in scenarios.OrderBy(_ => shuffle.Next())) samples[name].Add(measure());
        }

        Console.WriteLine($"Cordon cgroup v2 join benchmark: {runs} interleaved rounds, {Environment.ProcessorCount} CPUs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine("| scenario | min ms | median ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, _) in scenarios)
        {
            Stats s = Stats.Of(name, samples[name]);
            Console.WriteLine(FormattableString.Invariant($"| {s.Name} | {s.Min:0.00} | {s.Median:0.00} | {s.P99:0.00} |"));
        }

        double Median(string name) => Stats.Of(name, samples[name]).Median;
        Console.WriteLine(FormattableString.Invariant($"cgroup v2, library run: clone3 into the cgroup ÷ through cgroup.procs: {Median(CloneInto) / Median(ThroughProcs):0.00} ({Median(ThroughProcs) - Median(CloneInto):0.00} ms less per run)"));
        Console.WriteLine(FormattableString.Invariant($"cgroup v2, launcher alone: clone3 into the cgroup ÷ through cgroup.procs: {Median(EnterCloneInto) / Median(EnterThroughProcs):0.00} ({Median(EnterThroughProcs) - Median(EnterCloneInto):0.00} ms less per run)"));
        return 0;
    }
}
