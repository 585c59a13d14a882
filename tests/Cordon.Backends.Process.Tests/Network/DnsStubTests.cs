using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cordon.Backends.Process.Network;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Network;

/// <summary>The name server's answers, decided without sockets: only allowed names, rebinding dropped, each refusal named.</summary>
public class DnsStubTests
{
    private readonly NetworkLedger _ledger = new();

    private (DnsStub Stub, DestinationCheck Rules) Stub(string hosts, Func<string, AddressFamily, IPAddress[]>? resolver, params string[] rules)
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, hosts);
        var builder = new SandboxPolicyBuilder();
        foreach (string rule in rules) builder.AllowNetworkTo(NetworkDestination.Parse(rule));
        var check = new DestinationCheck(builder.Build().Network, new ResolvedAddresses());
        var stub = new DnsStub(check, new HostNameResolver(path, resolver ?? ((_, _) => throw new SocketException((int)SocketError.HostNotFound))), _ledger);
        File.Delete(path);
        return (stub, check);
    }

    private static (int Code, List<IPAddress> Addresses) Read(byte[] answer)
    {
        int code = BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(2)) & 0xF;
        int count = BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(6));
        byte[] asQuery = [.. answer];
        asQuery[2] &= 0x7F; // read the echoed question as a query
        DnsMessage.Question q = DnsMessage.ReadQuestion(asQuery) is { } x ? x : default;
        List<IPAddress> addresses = [];
        int at = q.QuestionEnd;
        for (int i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(at + 10));
            addresses.Add(new IPAddress(answer.AsSpan(at + 12, length)));
            at += 12 + length;
        }

        return (code, addresses);
    }

    [Fact]
    public void An_allowed_name_gets_its_hosts_file_addresses_and_they_are_remembered_for_the_connect_check()
    {
        var (stub, rules) = Stub("127.0.0.2 api.test\n::1 api.test # v6 too\n", null, "api.test:443");
        var (code, v4) = Read(stub.Respond(DnsMessage.Query(7, "API.test", DnsMessage.TypeA), "udp")!);
        Assert.Equal(DnsMessage.NoError, code);
        Assert.Equal([IPAddress.Parse("127.0.0.2")], v4);
        Assert.Equal([IPAddress.IPv6Loopback], Read(stub.Respond(DnsMessage.Query(8, "api.test", DnsMessage.TypeAaaa), "udp")!).Addresses);
        Assert.Equal((null, "api.test"), rules.Check(IPAddress.Parse("127.0.0.2"), 443, NetworkProtocol.Tcp));
        Assert.Equal(("port not allowed", "api.test"), rules.Check(IPAddress.Parse("127.0.0.2"), 80, NetworkProtocol.Tcp));
        Assert.Equal(("never resolved from an allowed name", null), rules.Check(IPAddress.Parse("127.0.0.9"), 443, NetworkProtocol.Tcp));
        Assert.Empty(_ledger.ToViolations());
    }

    [Fact]
    public void Another_name_gets_nxdomain_and_a_named_refusal_and_other_types_of_an_allowed_name_an_empty_answer()
    {
        var (stub, _) = Stub("127.0.0.2 api.test\n127.0.0.3 evil.test\n", null, "*.svc.test:443", "api.test:443");
        Assert.Equal(DnsMessage.NameError, Read(stub.Respond(DnsMessage.Query(1, "evil.test", DnsMessage.TypeA), "udp")!).Code);
        Assert.Equal(DnsMessage.NameError, Read(stub.Respond(DnsMessage.Query(2, "svc.test", DnsMessage.TypeA), "tcp")!).Code);
        var (code, none) = Read(stub.Respond(DnsMessage.Query(3, "api.test", 15 /* MX */), "udp")!);
        Assert.Equal((DnsMessage.NoError, 0), (code, none.Count));
        Assert.Contains(_ledger.ToViolations(), v => (v.Host, v.Via, v.Reason, v.Protocol) == ("evil.test", "dns", "name not allowed", "udp"));
        Assert.Contains(_ledger.ToViolations(), v => (v.Host, v.Protocol) == ("svc.test", "tcp"));
    }

    [Fact]
    public void A_resolver_answer_in_an_internal_range_is_dropped_unless_an_address_rule_names_it()
    {
        var (stub, rules) = Stub("", (name, _) => name == "a.test" ? [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("203.0.113.7")] : [IPAddress.Parse("192.168.1.1")],
            "a.test:443", "b.test:443", "192.168.0.0/16:1");
        Assert.Equal([IPAddress.Parse("203.0.113.7")], Read(stub.Respond(DnsMessage.Query(1, "a.test", DnsMessage.TypeA), "udp")!).Addresses);
        Assert.Equal([IPAddress.Parse("192.168.1.1")], Read(stub.Respond(DnsMessage.Query(2, "b.test", DnsMessage.TypeA), "udp")!).Addresses);
        Assert.Contains(_ledger.ToViolations(), v => (v.Address, v.Host, v.Via) == ("10.1.2.3", "a.test", "dns") && v.Reason.Contains("rebinding", StringComparison.Ordinal));
        Assert.Equal(("never resolved from an allowed name", null), rules.Check(IPAddress.Parse("10.1.2.3"), 443, NetworkProtocol.Tcp));
        Assert.Equal((null, "b.test"), rules.Check(IPAddress.Parse("192.168.1.1"), 443, NetworkProtocol.Tcp));
    }

    [Fact]
    public void Malformed_queries_get_format_errors_or_nothing_and_never_throw()
    {
        var (stub, _) = Stub("", null, "api.test:443");
        Assert.Null(stub.Respond([1, 2], "udp"));
        byte[] truncated = DnsMessage.Query(9, "api.test", DnsMessage.TypeA)[..15];
        Assert.Equal(DnsMessage.FormatError, BinaryPrimitives.ReadUInt16BigEndian(stub.Respond(truncated, "udp").AsSpan(2)) & 0xF);
        byte[] weird = DnsMessage.Query(9, "a\u0001b.test", DnsMessage.TypeA);
        Assert.Equal(DnsMessage.NotImplemented, BinaryPrimitives.ReadUInt16BigEndian(stub.Respond(weird, "udp").AsSpan(2)) & 0xF);
        var random = new Random(18);
        for (int i = 0; i < 2000; i++)
        {
            byte[] junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            _ = stub.Respond(junk, "udp");
        }
    }
}
