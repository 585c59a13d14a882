using Cordon.Policy;
using Cordon.PolicyFiles.Audit;

namespace Cordon.PolicyFiles.Tests;

public class AuditTests
{
    private static readonly PolicyFileOptions Here = new() { BaseDirectory = AppContext.BaseDirectory };

    private static AuditReport Audit(string toml, HostEnforcement? host = null)
        => PolicyAudit.Audit(PolicyFile.Parse(toml, "p.toml", Here), host ?? HostEnforcement.Complete);

    private static AuditReport AuditExample(string name)
        => PolicyAudit.Audit(PolicyFile.Load(Path.Combine(AppContext.BaseDirectory, "Examples", name), Here), HostEnforcement.Complete);

    /// <summary>Each pair: a policy, then the same policy with one door narrowed.</summary>
    public static TheoryData<string, string> LooserThenTighter() => new()
    {
        { "network = \"host\"\n[dangerous]\nhost_network = true", "network = \"loopback\"" },
        { "network = \"loopback\"", "network = \"none\"" },
        { "network_allow = [\"0.0.0.0/0:443\"]", "network_allow = [\"203.0.113.0/24:443\"]" },
        { "network_allow = [\"10.0.0.0/8:443\"]", "network_allow = [\"203.0.113.7:443\"]" },
        { "network_allow = [\"*.amazonaws.com:443\"]", "network_allow = [\"*.example.org:443\"]" },
        { "network_allow = [\"*.co.uk:443\"]", "network_allow = [\"*.example.org:443\"]" },
        { "network_allow = [\"*.example.org:443\"]", "network_allow = [\"api.example.org:443\"]" },
        { "network_allow = [\"api.example.org:1-65535\"]", "network_allow = [\"api.example.org:443\"]" },
        { "network_allow = [\"api.example.org:443\"]", "network = \"none\"" },
        { "[[mounts]]\ntype = \"rw\"\nhost = \"/tmp\"\nguest = \"/t\"", "[[mounts]]\ntype = \"ro\"\nhost = \"/tmp\"\nguest = \"/t\"" },
        { "[[mounts]]\ntype = \"ro\"\nhost = \"/tmp\"\nguest = \"/t\"", "" },
        { "[[mounts]]\ntype = \"ro\"\nhost = \"/etc\"\nguest = \"/hostetc\"", "[[mounts]]\ntype = \"ro\"\nhost = \"/usr/share\"\nguest = \"/s\"" },
        { "[[mounts]]\ntype = \"ro\"\nhost = \"/usr/share\"\nguest = \"/s\"", "[[mounts]]\ntype = \"file\"\nhost = \"/etc/hostname\"\nguest = \"/h\"" },
        { "workdir = \"/tmp\"", "workdir = false" },
        { "system_dirs = true", "system_dirs = false" },
        { "guest_root = true", "guest_root = false" },
        { "[env]\nAPI_TOKEN = \"x\"", "[env]\nLANGUAGE = \"x\"" },
        { "[env]\nURL = \"https://user:pass@example.com/\"", "[env]\nURL = \"https://example.com/\"" },
        { "[syscalls]\ndeny = [\"ptrace\"]", "[syscalls]\nprofile = \"default\"" },
        { "[syscalls]\nprofile = \"default\"", "[syscalls]\nprofile = \"strict\"" },
        { "[syscalls]\nallow = [\"read\", \"write\", \"bpf\"]", "[syscalls]\nallow = [\"read\", \"write\"]" },
        { "[syscalls]\non_violation = \"errno\"", "[syscalls]\non_violation = \"kill\"" },
        { "[limits]\nmemory = \"none\"", "[limits]\nmemory = \"64G\"" },
        { "[limits]\nmemory = \"1G\"", "[limits]\nmemory = \"256M\"" },
        { "[limits]\nmemory = \"256M\"", "[limits]\nmemory = \"255M\"" },
        { "[limits]\npids = \"none\"", "[limits]\npids = 64" },
        { "[limits]\npids = 64", "[limits]\npids = 8" },
        { "[limits]\ntime = \"1h\"", "[limits]\ntime = \"10s\"" },
        { "[limits]\ncpu = \"none\"", "[limits]\ncpu = \"5s\"" },
        { "[limits]\noutput = \"1G\"", "[limits]\noutput = \"1M\"" },
        { "[limits]\nfsize = \"none\"", "[limits]\nfsize = \"16M\"" },
        { "[limits]\ntmp_size = \"1G\"", "[limits]\ntmp_size = \"8M\"" },
        { "[limits]\nnofile = 65536", "[limits]\nnofile = 64" },
        { "[limits]\nstack = \"none\"", "[limits]\nstack = \"8M\"" },
    };

    [Theory]
    [MemberData(nameof(LooserThenTighter))]
    public void A_tighter_policy_always_scores_lower(string looser, string tighter)
    {
        AuditReport loose = Audit(looser), tight = Audit(tighter);
        Assert.True(tight.ExactScore < loose.ExactScore, $"tighter {tight.ExactScore} is not below looser {loose.ExactScore}");
        Assert.True(tight.Score <= loose.Score);
    }

    [Theory]
    [InlineData("0.0.0.0/0:443", "network.allow-everything", FindingSeverity.Critical)]
    [InlineData("[::/0]:443", "network.allow-everything", FindingSeverity.Critical)]
    [InlineData("192.168.0.0/16:80", "network.allow-internal", FindingSeverity.High)]
    [InlineData("169.254.169.254:80", "network.allow-internal", FindingSeverity.High)]
    [InlineData("*.github.io:443", "network.allow-wildcard-shared", FindingSeverity.High)]
    [InlineData("*.example.org:443", "network.allow-wildcard", FindingSeverity.Medium)]
    [InlineData("pypi.org:443", "network.allow-host", FindingSeverity.Low)]
    [InlineData("127.0.0.53:53/udp", "network.allow-udp", FindingSeverity.Low)]
    public void Each_allowlist_rule_is_scored_for_what_it_opens(string rule, string id, FindingSeverity severity)
    {
        AuditFinding finding = Audit($"network_allow = [\"{rule}\"]").Dimensions.Single(d => d.Name == "network").Findings.Single(f => f.Id == id);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal("network.allow[0]", finding.Key);
    }

    [Fact]
    public void Profiles_and_examples_order_from_closed_to_wide_open()
    {
        double minimal = PolicyAudit.Audit(PolicyFile.LoadReference("minimal"), HostEnforcement.Complete).ExactScore;
        double @default = PolicyAudit.Audit(SandboxPolicy.Default, HostEnforcement.Complete).ExactScore;
        double blocklist = AuditExample("blocklist.toml").ExactScore;
        double risky = AuditExample("risky.toml").ExactScore;
        Assert.True(minimal < @default && @default < blocklist && blocklist < risky, $"{minimal} {@default} {blocklist} {risky}");
        Assert.InRange(minimal, 0, 2);
        Assert.InRange(@default, 0, 3);
    }

    [Fact]
    public void A_host_that_cannot_enforce_cgroups_raises_the_score_unless_the_policy_requires_them()
    {
        var noCgroups = HostEnforcement.Complete with { Cgroups = false };
        Assert.True(Audit("").ExactScore < Audit("", noCgroups).ExactScore);
        Assert.Contains(Audit("", noCgroups).Dimensions.Single(d => d.Name == "host").Findings, f => f.Id == "host.no-cgroups");
        Assert.Equal(Audit("[require]\ncgroups = true").ExactScore, Audit("[require]\ncgroups = true", noCgroups).ExactScore);
    }

    [Fact]
    public void The_risky_example_is_above_5_and_names_every_open_door()
    {
        AuditReport report = AuditExample("risky.toml");
        Assert.True(report.Score > 5);
        string[] doors = [.. report.FindingsAtLeast(FindingSeverity.Low).Select(f => f.Key)];
        Assert.Subset(doors.ToHashSet(), new HashSet<string> { "network", "mounts[0]", "workdir", "env.AWS_SECRET_ACCESS_KEY", "env.DEPLOY_TOKEN", "limits.memory", "limits.pids", "limits.time" });
        Assert.Contains(report.FindingsAtLeast(FindingSeverity.Critical), f => f.Id == "network.host");
        Assert.Contains(report.FindingsAtLeast(FindingSeverity.High), f => f.Id == "environment.secret" && f.Title.Contains("DEPLOY_TOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public void Blocklist_shaped_policies_get_named_findings_with_the_allowlist_rewrite()
    {
        AuditReport report = AuditExample("blocklist.toml");
        AuditFinding filesystem = Assert.Single(report.FindingsAtLeast(FindingSeverity.High), f => f.Id == "filesystem.blocklist");
        Assert.Contains("/host/root, /host/home, /host/var", filesystem.Title);
        Assert.Contains("mount only what the job reads", filesystem.Fix);
        AuditFinding syscalls = Assert.Single(report.FindingsAtLeast(FindingSeverity.High), f => f.Id == "syscalls.blocklist");
        Assert.Contains("allowlist", syscalls.Why);
        Assert.Contains("profile = \"default\"", syscalls.Fix);
        Assert.Contains(report.FindingsAtLeast(FindingSeverity.High), f => f.Id == "syscalls.risky" && f.Title.StartsWith("io_uring", StringComparison.Ordinal));

        AuditReport rewrite = AuditExample("allowlist.toml");
        Assert.DoesNotContain(rewrite.Dimensions.SelectMany(d => d.Findings), f => f.Id.EndsWith(".blocklist", StringComparison.Ordinal));
        Assert.True(rewrite.Score < 5 && report.Score > 8);
    }

    [Fact]
    public void Every_finding_has_a_one_sentence_why_and_every_dimension_an_exposure_in_range()
    {
        foreach (string example in new[] { "risky.toml", "blocklist.toml", "allowlist.toml", "minimal.toml" })
        {
            foreach (AuditDimension d in AuditExample(example).Dimensions)
            {
                Assert.InRange(d.Exposure, 0, 10);
                Assert.All(d.Findings, f => Assert.EndsWith(".", f.Why));
            }
        }
    }

    [Fact]
    public void Sensitive_paths_are_recognised_wherever_they_are_bound()
    {
        foreach (string host in new[] { "/", "/home", "/root", "/etc", "/var/run/docker.sock", "/proc/sys", "/srv/x/.ssh", "/home/alice" })
        {
            Assert.True(SensitivePaths.Assess(host)?.Score >= 4, host);
        }

        Assert.Null(SensitivePaths.Assess("/home/alice/project"));
        Assert.Null(SensitivePaths.Assess("/usr/share"));
    }

    [Fact]
    public void A_program_brought_in_without_its_host_security_policy_is_a_finding()
    {
        if (!File.Exists("/etc/ssl/openssl.cnf")) return; // the finding is about this host's policy files; Debian always has this one

        AuditReport own = Audit("system_dirs = false\n[[mounts]]\ntype = \"ro\"\nhost = \"/usr\"");
        AuditReport covered = Audit("[[mounts]]\ntype = \"tmpfs\"\nguest = \"/etc/ssl\"");
        AuditReport generated = Audit("system_dirs = true");
        AuditReport boundBack = Audit("system_dirs = false\n[[mounts]]\ntype = \"ro\"\nhost = \"/usr\"\n[[mounts]]\ntype = \"ro\"\nhost = \"/etc/ssl/openssl.cnf\"");

        static IEnumerable<AuditFinding> Missing(AuditReport r) => r.Dimensions.SelectMany(d => d.Findings).Where(f => f.Id == "filesystem-read.host-security-policy");
        Assert.Contains(Missing(own), f => f.Key == "mounts[0]" && f.Title.Contains("/etc/ssl/openssl.cnf", StringComparison.Ordinal));
        Assert.Contains(Missing(covered), f => f.Key == "system_dirs" && f.Title.Contains("OpenSSL", StringComparison.Ordinal));
        Assert.Empty(Missing(generated));
        Assert.DoesNotContain(Missing(boundBack), f => f.Title.Contains("OpenSSL", StringComparison.Ordinal));
    }

    [Fact]
    public void Writable_grants_without_a_disk_budget_or_where_none_can_be_enforced_are_findings()
    {
        string dir = Path.GetTempPath().TrimEnd('/');
        AuditReport unbounded = Audit($"workdir = \"{dir}\"\n[limits]\ndisk = \"none\"\n", HostEnforcement.Complete with { RunsAsRoot = true });
        Assert.Contains(unbounded.FindingsAtLeast(FindingSeverity.Info), f => f.Id == "filesystem-write.no-disk-budget");

        AuditReport rootless = Audit($"workdir = \"{dir}\"\n", HostEnforcement.Complete);
        Assert.Contains(rootless.FindingsAtLeast(FindingSeverity.Info), f => f.Id == "host.no-disk-budget");
        Assert.DoesNotContain(rootless.FindingsAtLeast(FindingSeverity.Info), f => f.Id == "filesystem-write.no-disk-budget");

        AuditReport root = Audit($"workdir = \"{dir}\"\n", HostEnforcement.Complete with { RunsAsRoot = true });
        Assert.DoesNotContain(root.FindingsAtLeast(FindingSeverity.Info), f => f.Id.EndsWith("no-disk-budget", StringComparison.Ordinal));
    }
}
