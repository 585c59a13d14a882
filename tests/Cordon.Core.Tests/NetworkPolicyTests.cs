using Cordon.Errors;
using Cordon.Policy;
using Cordon.Policy.Dangerous;

namespace Cordon.Core.Tests;

/// <summary>The network facet as a type: destinations parse exactly or fail with a reason, and the builder keeps them.</summary>
public class NetworkPolicyTests
{
    [Theory]
    [InlineData("pypi.org:443", "pypi.org:443")]
    [InlineData("PyPI.org:443", "pypi.org:443")]
    [InlineData("10.1.0.0/16:5432", "10.1.0.0/16:5432")]
    [InlineData("127.0.0.1:8000-8099", "127.0.0.1:8000-8099")]
    [InlineData("[::1]:80", "[::1]:80")]
    [InlineData("127.0.0.53:53/udp", "127.0.0.53:53/udp")]
    [InlineData("example.com:22/tcp", "example.com:22")]
    [InlineData("*.PythonHosted.org:443", "*.pythonhosted.org:443")]
    public void Destinations_parse_and_print_in_their_written_form(string text, string printed)
        => Assert.Equal(printed, NetworkDestination.Parse(text).ToString());

    [Theory]
    [InlineData("", "empty")]
    [InlineData("pypi.org", "no port")]
    [InlineData("pypi.org:0", "not a port")]
    [InlineData("pypi.org:65536", "not a port")]
    [InlineData("pypi.org:90-80", "upside down")]
    [InlineData("*.org:443", "wildcard")]
    [InlineData("a.*.org:443", "wildcard")]
    [InlineData("*:443", "wildcard")]
    [InlineData("a.123:443", "neither")]
    [InlineData("exa mple.org:443", "neither")]
    [InlineData("::1:80", "brackets")]
    [InlineData("10.0.0.0/33:80", "CIDR")]
    [InlineData("bad_name!:80", "neither")]
    [InlineData("pypi.org:443/sctp", "not a protocol")]
    [InlineData("127.0.0.53:53/UDP", "not a protocol")]
    public void Malformed_destinations_say_what_is_wrong(string text, string expected)
    {
        Assert.False(NetworkDestination.TryParse(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.example.org:443", "a.example.org", true)]
    [InlineData("*.example.org:443", "a.b.example.org", true)]
    [InlineData("*.example.org:443", "example.org", false)]
    [InlineData("*.example.org:443", "badexample.org", false)]
    [InlineData("api.example.org:443", "API.example.org", true)]
    [InlineData("api.example.org:443", "x.api.example.org", false)]
    [InlineData("10.0.0.0/8:443", "10.0.0.1", false)]
    public void Host_name_rules_match_their_name_or_every_name_below_a_wildcard(string rule, string name, bool matches)
        => Assert.Equal(matches, NetworkDestination.Parse(rule).Matches(name));

    [Fact]
    public void The_builder_keeps_the_allowlist_once_per_destination_and_extends_it_from_a_basis()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback)
            .AllowNetworkTo(NetworkDestination.Parse("pypi.org:443")).AllowNetworkTo(NetworkDestination.Parse("pypi.org:443")).Build();
        Assert.Equal(NetworkMode.Loopback, policy.Network.Mode);
        Assert.Single(policy.Network.Allowed);
        Assert.Equal(policy, new SandboxPolicyBuilder(policy).Build());
        Assert.NotEqual(policy, new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build());
    }

    [Fact]
    public void An_allowlist_beside_the_host_network_is_refused()
    {
        var e = Assert.Throws<PolicyValidationException>(() => new SandboxPolicyBuilder().WithNetwork(NetworkMode.Host).Allow(HostNetworkAccess.Instance)
            .AllowNetworkTo(NetworkDestination.Parse("pypi.org:443")).Build());
        Assert.Contains(e.Errors, x => x.Key == "network.allow");
    }

    [Fact]
    public void The_filesystem_root_is_explicit()
    {
        Assert.Equal(FilesystemRootKind.HostSystem, SandboxPolicy.Default.Root.Kind);
        Assert.False(new SandboxPolicyBuilder().WithSystemDirectories(false).Build().MountSystemDirectories);
        Assert.Equal("/srv/rootfs", new SandboxPolicyBuilder().WithRoot(FilesystemRoot.Image("/srv/rootfs")).Build().Root.ImagePath);
        var e = Assert.Throws<PolicyValidationException>(() => new SandboxPolicyBuilder().WithRoot(FilesystemRoot.Image("rootfs")).Build());
        Assert.Contains(e.Errors, x => x.Key == "filesystem.root");
    }
}
