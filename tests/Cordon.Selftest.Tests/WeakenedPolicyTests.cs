using Xunit.Abstractions;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Tests;

/// <summary>
/// The judge can fail: with one protection deliberately removed, exactly the probes that attack it turn ESCAPED, and
/// the others, which do not depend on it, stay contained.
/// </summary>
public class WeakenedPolicyTests(ITestOutputHelper output)
{
    private const string Bystanders = "fs-ro-bind-write,proc-ptrace-sibling,sys-bpf,info-uts";

    /// <summary>weakness, probes run besides the bystanders, the probes that must escape, and a host-side fact among their findings.</summary>
    public static TheoryData<string, string, string[], string> Weaknesses => new()
    {
        // Sharing the host's network namespace: host loopback services and the internet become reachable, and the
        // host's unix sockets are listed (abstract names are per network namespace; Landlock still refuses the connect).
        { "host-network", "net-host-loopback,net-unix-sockets,net-egress", ["net-egress", "net-host-loopback", "net-unix-sockets"],
            "TCP listener on host 127.0.0.1 was connected to" },
        // The canary's directory bound in at its own path: the secret becomes readable, and the mount shows up.
        { "secret-bound-in", "fs-dotdot-escape,fs-proc-pid-root,info-mountinfo", ["fs-dotdot-escape", "fs-proc-pid-root", "info-mountinfo"],
            "was opened" },
        // No process limit: the fork and thread bombs run into their own safety bound instead of pids.max.
        { "no-process-limit", "res-fork-bomb,res-thread-bomb,res-sleep-forever", ["res-fork-bomb", "res-thread-bomb"],
            "the process limit never fired" },
    };

    [Theory]
    [MemberData(nameof(Weaknesses))]
    public async Task A_weakened_policy_is_reported_as_escaped_for_exactly_the_probes_that_attack_it(string weakness, string probes, string[] escaped, string hostFact)
    {
        // Without cgroups the bombs are not run at all (DEGRADED), so the missing process limit cannot show.
        if (weakness == "no-process-limit" && !Host.IsRoot) return;

        SelftestReport report = await Host.RunAsync(new SelftestOptions { Only = probes + "," + Bystanders, PolicyOverride = Weaken(weakness) });

        foreach (var p in report.Probes) output.WriteLine($"{p.Id} {p.VerdictText}: {string.Join(" | ", p.Findings)}");
        Assert.Equal(escaped, report.Probes.Where(p => p.Verdict == ProbeVerdict.Escaped).Select(p => p.Id).Order());
        Assert.All(report.Probes.Where(p => !escaped.Contains(p.Id)), p => Assert.True(p.Verdict.IsPassed(), $"{p.Id}: {p.VerdictText}: {string.Join("; ", p.Findings)}"));
        // The verdict rests on the host's own evidence, not only on what the probes said.
        Assert.Contains(report.Probes.Where(p => escaped.Contains(p.Id)).SelectMany(p => p.Findings), f => f.Contains(hostFact, StringComparison.Ordinal));
        Assert.False(report.Succeeded);
        Assert.Empty(report.SuiteErrors);
    }

    private static Func<SandboxPolicy, CanaryCoordinates, SandboxPolicy> Weaken(string weakness) => weakness switch
    {
        "host-network" => (p, _) => new SandboxPolicyBuilder(p).WithNetwork(NetworkMode.Host).Allow(HostNetworkAccess.Instance).Build(),
        "secret-bound-in" => (p, c) => new SandboxPolicyBuilder(p).MountReadOnly(c.Directory).Build(),
        "no-process-limit" => (p, _) => new SandboxPolicyBuilder(p).WithMaxProcesses(null).Build(),
        _ => throw new ArgumentOutOfRangeException(nameof(weakness)),
    };
}
