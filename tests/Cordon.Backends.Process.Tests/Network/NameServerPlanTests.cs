using System.Text;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Tests.Bubblewrap;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Network;

/// <summary>What an allowlist changes in the plan: the name server's resolv.conf and launcher flag, and Landlock's second layer.</summary>
public class NameServerPlanTests
{
    private static LaunchPlan Plan(NetworkMode mode, params string[] rules)
    {
        var builder = new SandboxPolicyBuilder().WithNetwork(mode);
        foreach (string rule in rules) builder.AllowNetworkTo(NetworkDestination.Parse(rule));
        return LaunchPlanner.Build(builder.Build(), new SandboxCommand("true", []), LaunchCommandLineTests.Facts());
    }

    private static string? Generated(LaunchPlan plan, string path)
        => plan.GeneratedFiles.Where(f => f.Path == path).Select(f => Encoding.ASCII.GetString(f.Contents)).SingleOrDefault();

    [Fact]
    public void A_host_name_rule_gives_the_guest_the_stub_as_its_only_name_server()
    {
        LaunchPlan plan = Plan(NetworkMode.None, "api.example.org:443");
        Assert.Contains("--dns-stub", plan.ExpandedArgv);
        Assert.StartsWith("nameserver 127.0.0.53\n", Generated(plan, "/etc/resolv.conf"), StringComparison.Ordinal);
        Assert.Contains("hosts: files dns\n", Generated(plan, "/etc/nsswitch.conf"), StringComparison.Ordinal);
    }

    [Fact]
    public void Address_rules_alone_get_no_name_server_and_names_stay_in_files()
    {
        LaunchPlan plan = Plan(NetworkMode.None, "10.0.0.0/8:443");
        Assert.DoesNotContain("--dns-stub", plan.ExpandedArgv);
        Assert.Null(Generated(plan, "/etc/resolv.conf"));
        Assert.Contains("hosts: files\n", Generated(plan, "/etc/nsswitch.conf"), StringComparison.Ordinal);
    }

    [Fact]
    public void Landlock_refuses_the_guests_own_tcp_connects_whenever_the_supervisor_carries_them_out()
    {
        Assert.Contains("--landlock-deny-net", Plan(NetworkMode.None, "api.example.org:443").ExpandedArgv);
        LaunchPlan loopback = Plan(NetworkMode.Loopback, "api.example.org:443");
        Assert.Contains("--landlock-deny-connect", loopback.ExpandedArgv);
        Assert.DoesNotContain("--landlock-deny-net", loopback.ExpandedArgv);
        Assert.DoesNotContain("--landlock-deny-connect", Plan(NetworkMode.Loopback).ExpandedArgv);
    }
}
