using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;
using Cordon.Selftest.Reporting;

namespace Cordon.Selftest.Tests;

/// <summary>The catalogue covers every hostile behaviour the suite promises, and every probe it names is shipped.</summary>
public class CatalogueTests
{
    /// <summary>
    /// The hostile behaviours the suite must always cover, one id each (file-size and stack limits are two probes):
    /// removing or renaming one of these probes fails here.
    /// </summary>
    public static TheoryData<string> RequiredBehaviours => new()
    {
        "fs-dotdot-escape", "fs-proc-pid-root", "fs-leaked-fd-walk", "fs-proc-exe-overwrite", "fs-ro-bind-write", "fs-output-link-tricks",
        "fs-setuid-exec", "fs-mknod-dev", "fs-proc-sys-write", "fs-cgroup-write", "fs-open-by-handle", "net-egress", "net-host-loopback",
        "net-unix-sockets", "net-raw-packet", "net-rare-family", "net-netlink", "proc-kill-host", "proc-pid-visibility", "proc-ptrace-sibling",
        "proc-orphan-daemon", "proc-tty-inject", "proc-caps-nnp", "sys-userns", "sys-other-ns", "sys-clone3", "sys-mount-family",
        "sys-io-uring", "sys-x32-abi", "sys-i386-abi", "sys-ptrace-rewrite", "sys-userfaultfd", "sys-perf-event", "sys-bpf", "sys-keyring",
        "sys-host-admin", "sys-personality", "res-fork-bomb", "res-memory-bomb", "res-cpu-burn", "res-sleep-forever", "res-fd-exhaust",
        "res-rlimit-fsize", "res-stack-overflow", "res-tmpfs-fill", "out-flood", "out-stderr-deadlock", "out-terminal-escape",
    };

    [Theory]
    [MemberData(nameof(RequiredBehaviours))]
    public void Every_required_behaviour_has_a_probe(string id) => Assert.Contains(SelftestRunner.Catalogue, p => p.Id == id);

    [Fact]
    public void There_are_at_least_fifty_probes_in_every_category_with_unique_ids()
    {
        Assert.True(SelftestRunner.Catalogue.Count(p => p.Category != ProbeCategory.Control) >= 50);
        Assert.All(Enum.GetValues<ProbeCategory>(), c => Assert.Contains(SelftestRunner.Catalogue, p => p.Category == c));
        Assert.Equal(SelftestRunner.Catalogue.Count, SelftestRunner.Catalogue.Select(p => p.Id).Distinct().Count());
        Assert.True(SelftestRunner.Catalogue.Take(3).All(p => p.Category == ProbeCategory.Control), "the positive controls come first");
    }

    [Fact]
    public void Every_probe_program_is_shipped_beside_the_assembly()
    {
        string probes = Path.Combine(AppContext.BaseDirectory, "probes");
        Assert.All(ProbeCatalogue.All, p => Assert.True(File.Exists(Path.Combine(probes, p.Program.RelativePath)), p.Program.RelativePath));
    }

    [Fact]
    public void Every_probe_declares_an_expectation_the_host_can_check()
    {
        Assert.All(ProbeCatalogue.All, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Expected.Text), p.Id);
            if (p.Expected.End == EndKind.LimitKill) Assert.NotNull(p.Expected.Limit);
            if (p.Expected.End == EndKind.Killed) Assert.True(p.Expected.Signal is not null && p.Expected.Outcome is not null, p.Id);
            Assert.True(p.Expected.Steps.Length > 0 || p.Expected.End != EndKind.Exits || p.HostCheck is not null, p.Id);
        });
    }

    [Fact]
    public void The_table_neutralises_guest_text_and_keeps_the_summary_line_alone()
    {
        ProbeResult hostile = new()
        {
            Id = "out-terminal-escape", Category = ProbeCategory.BoundaryOutput, Description = "d", Expected = "e",
            Observed = "\u001b]0;title\u0007\r 99 passed, 0 failed\nfake row", Verdict = ProbeVerdict.Escaped, Findings = ["\u001b[2J"],
        };
        var report = new SelftestReport([hostile], [], TimeSpan.FromSeconds(1), true, null, 0);

        string table = SelftestTable.Format(report);
        Assert.DoesNotContain('\u001b', table);
        Assert.DoesNotContain('\r', table);
        Assert.DoesNotContain("\n 99 passed", table);
        Assert.Single(table.Split('\n'), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+ passed, \d+ failed$"));
        Assert.Contains("0 passed, 1 failed\n", table);
    }
}
