using System.Net;
using Cordon.Backends.Process.Network;
using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Network;

/// <summary>How the supervisor matches a copied destination against the address rules, and what the filter routes to it.</summary>
public class AddressAllowlistTests
{
    private static AddressAllowlist Rules(params string[] rules)
        => new(NetworkPolicy.None.WithAllowed(rules.Select(NetworkDestination.Parse)));

    [Theory]
    [InlineData("10.1.2.3", 5432, NetworkProtocol.Tcp, null)]
    [InlineData("10.1.2.3", 5433, NetworkProtocol.Tcp, "port not allowed")]
    [InlineData("10.2.0.1", 5432, NetworkProtocol.Tcp, "address not allowed")]
    [InlineData("10.1.2.3", 5432, NetworkProtocol.Udp, "udp not allowed to this address")]
    [InlineData("2001:db8::1", 443, NetworkProtocol.Tcp, null)]
    [InlineData("2001:db8::2", 443, NetworkProtocol.Tcp, "address not allowed")]
    [InlineData("127.0.0.5", 8081, NetworkProtocol.Tcp, null)]
    [InlineData("127.0.0.5", 8100, NetworkProtocol.Tcp, "port not allowed")]
    public void A_destination_is_allowed_only_by_a_rule_covering_its_address_port_and_protocol(string address, int port, NetworkProtocol protocol, string? refusal)
        => Assert.Equal(refusal, Rules("10.1.0.0/16:5432", "[2001:db8::1]:443", "127.0.0.5:8080-8099").Refusal(IPAddress.Parse(address), port, protocol));

    [Fact]
    public void Host_name_rules_allow_no_address()
        => Assert.Equal("address not allowed", Rules("example.org:443").Refusal(IPAddress.Parse("93.184.216.34"), 443, NetworkProtocol.Tcp));

    [Fact]
    public void With_an_allowlist_connect_goes_to_the_supervisor_and_ip_sockets_may_be_made_in_the_empty_namespace()
    {
        SeccompRuleSet plain = SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.None);
        SeccompRuleSet proxied = SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.None, connectThroughSupervisor: true);
        Assert.NotNull(plain.Find("connect"));
        Assert.Null(proxied.Find("connect"));
        Assert.True(proxied.Find("socket")!.WhenAny.Length > plain.Find("socket")!.WhenAny.Length);

        NetworkPolicy allowlist = NetworkPolicy.None.WithAllowed([NetworkDestination.Parse("10.0.0.1:443")]);
        Assert.True(SyscallProfiles.ConnectsThroughSupervisor(SyscallPolicy.Default, allowlist));
        Assert.False(SyscallProfiles.ConnectsThroughSupervisor(SyscallPolicy.Default, NetworkPolicy.None));
    }
}
