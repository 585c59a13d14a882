using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Tests;

/// <summary>The suite is itself the test: on this host every probe is contained (or hits its limit).</summary>
public class SuiteTests
{
    [Fact]
    public async Task Every_probe_is_contained_or_stopped_at_its_limit()
    {
        SelftestReport report = await Host.RunAsync(new SelftestOptions());

        Assert.True(report.Succeeded, Failures(report));
        Assert.True(report.Probes.Count(p => p.Category != ProbeCategory.Control) >= 50);
        Assert.All(report.Probes, p => Assert.True(p.Verdict.IsPassed() || p.Verdict == ProbeVerdict.Degraded, $"{p.Id}: {p.VerdictText} {p.Observed}"));
        if (Host.IsRoot)
        {
            // As root the host has cgroups: nothing may be degraded, and every bomb must be stopped by its limit.
            Assert.Equal(0, report.Degraded);
            Assert.Equal(LimitKind.Pids, report.Probes.Single(p => p.Id == "res-fork-bomb").Limit);
            Assert.Equal(LimitKind.Memory, report.Probes.Single(p => p.Id == "res-memory-bomb").Limit);
            Assert.Equal(LimitKind.Cpu, report.Probes.Single(p => p.Id == "res-cpu-burn").Limit);
        }
    }

    [Fact]
    public async Task The_host_sees_the_whole_chain_of_a_run_that_lives_long_enough_to_look_at()
    {
        // A guest that prints and exits can be gone (its chain a zombie) before any scan; these two stay alive by design.
        SelftestReport report = await Host.RunAsync(new SelftestOptions { Only = "proc-ns-identity,res-sleep-forever" });

        Assert.True(report.Succeeded, Failures(report));
        foreach (ProbeResult p in report.Probes.Where(p => p.Category != ProbeCategory.Control))
        {
            // bwrap, the launcher as pid 1 and the guest (enter has exec'd into bwrap by then).
            Assert.True(p.ObservedProcesses >= 3, $"{p.Id}: the observer saw {p.ObservedProcesses} processes");
            if (Host.IsRoot) Assert.StartsWith($"cordon-{Environment.ProcessId}-", p.ObservedCgroup);
        }
    }

    [Fact]
    public async Task Controls_run_first_and_a_selection_runs_only_what_it_names()
    {
        SelftestReport report = await Host.RunAsync(new SelftestOptions { Only = "sys-bpf,net-raw*" });

        Assert.Equal(["control-c", "control-python", "control-shell", "net-raw-packet", "sys-bpf"], report.Probes.Select(p => p.Id));
        Assert.True(report.Succeeded, Failures(report));
    }

    internal static string Failures(SelftestReport report)
        => string.Join("\n", report.Probes.Where(p => !p.Verdict.IsPassed()).Select(p => $"{p.Id}: {p.VerdictText}: {string.Join("; ", p.Findings)}"))
           + string.Join("\n", report.SuiteErrors);
}
