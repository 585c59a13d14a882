using System.Net;
using System.Net.Sockets;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Network;

/// <summary>
/// Host-name rules in the process tier: the guest's resolver asks the sandbox's own name server, which answers only the
/// allowed names (from a temporary hosts file here, mapping test names to loopback addresses with listeners this test
/// starts), and a connect reaches the host only to an address handed out for an allowed name, on that rule's ports.
/// </summary>
public class HostNameAllowlistTests : SandboxTest
{
    private static readonly IPAddress Api = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Raw = IPAddress.Parse("127.0.0.3");

    /// <summary>A sandbox whose name server trusts a hosts file of the test's, and asks <paramref name="resolver"/> after it.</summary>
    private ProcessSandbox NamedSandbox(string hosts, Func<string, AddressFamily, IPAddress[]>? resolver = null)
    {
        string path = Path.Combine(HostTempDirectory(), "hosts");
        File.WriteAllText(path, hosts);
        return new ProcessSandbox(new ProcessBackendOptions
        {
            HostsFile = path,
            ResolverForTesting = resolver ?? ((name, _) => throw new SocketException((int)SocketError.HostNotFound)),
        });
    }

    private static SandboxPolicy Allow(params string[] rules)
    {
        var builder = new SandboxPolicyBuilder();
        foreach (string rule in rules) builder.AllowNetworkTo(NetworkDestination.Parse(rule));
        return builder.Build();
    }

    [Fact]
    public async Task Python_reaches_an_allowed_name_and_every_other_destination_is_refused_with_its_reason()
    {
        using var api = new PongServer(Api);
        using var apiOtherPort = new PongServer(Api);
        using var raw = new PongServer(Raw);
        using var hostLoopback = new PongServer(IPAddress.Loopback);
        using var udp = new UdpClient(new IPEndPoint(Api, 0));
        int udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        ProcessSandbox sandbox = NamedSandbox($"{Api} api.test\n{Api} a.svc.test\n{Raw} other.test\n");

        SandboxResult r = await sandbox.RunAsync(Allow($"api.test:{api.Port}", $"*.svc.test:{api.Port}"), new SandboxCommand("python3", ["-c", $$"""
            import socket, errno
            def tcp(host, port):
                try:
                    s = socket.create_connection((host, port), timeout=5); s.sendall(b"ping"); print("reached", host, port, s.recv(4).decode())
                except socket.gaierror as e:
                    print("unresolved", host, e.errno == socket.EAI_NONAME)
                except OSError as e:
                    print("refused", host, port, errno.errorcode.get(e.errno, e.errno))
            tcp("api.test", {{api.Port}})
            tcp("a.svc.test", {{api.Port}})
            tcp("api.test", {{apiOtherPort.Port}})
            tcp("other.test", {{raw.Port}})
            tcp("svc.test", {{api.Port}})
            tcp("127.0.0.3", {{raw.Port}})
            tcp("127.0.0.1", {{hostLoopback.Port}})
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.sendto(b"x", ("127.0.0.2", {{udpPort}})); print("udp sent")
            except OSError as e:
                print("udp refused", errno.errorcode.get(e.errno, e.errno))
            l = socket.socket()
            try:
                l.bind(("127.0.0.1", 0)); l.listen(1); print("listening")
            except OSError as e:
                print("bind refused", errno.errorcode.get(e.errno, e.errno))
            """]));

        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains($"reached api.test {api.Port} pong", output);
        Assert.Contains($"reached a.svc.test {api.Port} pong", output);
        Assert.Contains($"refused api.test {apiOtherPort.Port} ECONNREFUSED", output);
        Assert.Contains("unresolved other.test True", output);
        Assert.Contains("unresolved svc.test True", output);
        Assert.Contains($"refused 127.0.0.3 {raw.Port} ECONNREFUSED", output);
        Assert.Contains($"refused 127.0.0.1 {hostLoopback.Port} ECONNREFUSED", output);
        Assert.Contains("udp refused EACCES", output);
        Assert.Contains("bind refused EACCES", output);
        Assert.Equal(2, api.Accepted);
        Assert.Equal(0, apiOtherPort.Accepted + raw.Accepted + hostLoopback.Accepted);
        Assert.Equal(0, udp.Available);

        ImmutableArrayAssert(r.NetworkViolations);
        Assert.Contains(r.NetworkViolations, v => v.Host == "api.test" && v.Address == "127.0.0.2" && v.Port == apiOtherPort.Port && v.Reason == "port not allowed" && v.Via == "connect");
        Assert.Contains(r.NetworkViolations, v => v.Host == "other.test" && v.Via == "dns" && v.Reason == "name not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Host == "svc.test" && v.Via == "dns" && v.Reason == "name not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.3" && v.Port == raw.Port && v.Reason == "never resolved from an allowed name");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.1" && v.Port == hostLoopback.Port && v.Reason == "never resolved from an allowed name");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.2" && v.Port == udpPort && v.Protocol == "udp" && v.Via == "sendto");
        Assert.Contains(r.NetworkViolations, v => v.Via == "bind" && v.Reason == "listening needs --net loopback");
        Assert.Empty(r.Violations);
    }

    private static void ImmutableArrayAssert(System.Collections.Immutable.ImmutableArray<NetworkViolation> violations)
        => Assert.False(violations.IsDefaultOrEmpty, "no network violation was recorded");

    [Fact]
    public async Task An_IPv6_answer_is_reached_like_an_IPv4_one_and_each_refusal_arrives_as_an_event()
    {
        using var v6 = new TcpListener(IPAddress.IPv6Loopback, 0);
        v6.Start();
        int port = ((IPEndPoint)v6.LocalEndpoint).Port;
        ProcessSandbox sandbox = NamedSandbox("::1 six.test\n");
        var events = new System.Collections.Concurrent.ConcurrentQueue<Cordon.Events.ViolationObserved>();
        var command = new SandboxCommand("python3", ["-c", $$"""
            import socket
            s = socket.create_connection(("six.test", {{port}}), timeout=5); print("family", s.family == socket.AF_INET6)
            for name in ("evil.test", "evil.test"):
                try:
                    socket.getaddrinfo(name, 443)
                except socket.gaierror:
                    print("unresolved", name)
            """]) { OnEvent = e => { if (e is Cordon.Events.ViolationObserved v) events.Enqueue(v); } };

        SandboxResult r = await sandbox.RunAsync(Allow($"six.test:{port}"), command);
        AssertExited(r);
        Assert.Equal("family True\nunresolved evil.test\nunresolved evil.test\n", Stdout(r));
        Assert.True(v6.Pending());
        NetworkViolation refused = Assert.Single(r.NetworkViolations);
        Assert.Equal(("evil.test", "dns", "name not allowed"), (refused.Host, refused.Via, refused.Reason));
        Assert.True(refused.Count >= 2); // each lookup is asked at least once (A and AAAA may be asked apart)
        Cordon.Events.ViolationObserved observed = Assert.Single(events); // the first of each kind is an event; the result counts them all
        Assert.Equal(("dns", "evil.test"), (observed.Syscall, observed.Network!.Host));
    }

    [Fact]
    public async Task A_DNS_answer_in_a_loopback_range_is_dropped_unless_an_address_rule_names_it()
    {
        using var service = new PongServer(Api);
        using var hostLoopback = new PongServer(IPAddress.Loopback);
        // Not in the hosts file: the resolver (standing in for a DNS server) answers, once with the service, then with the host's loopback.
        int asked = 0;
        ProcessSandbox sandbox = NamedSandbox("", (name, family) => family != AddressFamily.InterNetwork ? []
            : name == "rebind.test" ? [Interlocked.Increment(ref asked) == 1 ? Api : IPAddress.Loopback] : throw new SocketException((int)SocketError.HostNotFound));

        SandboxResult r = await sandbox.RunAsync(
            Allow($"rebind.test:{service.Port}", $"rebind.test:{hostLoopback.Port}", $"127.0.0.2:{service.Port}"),
            new SandboxCommand("python3", ["-c", $$"""
                import socket
                for port in ({{service.Port}}, {{hostLoopback.Port}}):
                    try:
                        s = socket.create_connection(("rebind.test", port), timeout=5); s.sendall(b"ping"); print("reached", port, s.recv(4).decode())
                    except socket.gaierror as e:
                        print("no address", port)
                """]));

        AssertExited(r);
        Assert.Contains($"reached {service.Port} pong", Stdout(r));
        Assert.Contains($"no address {hostLoopback.Port}", Stdout(r));
        Assert.Equal(0, hostLoopback.Accepted);
        Assert.Contains(r.NetworkViolations, v => v.Host == "rebind.test" && v.Address == "127.0.0.1" && v.Via == "dns" && v.Reason.Contains("rebinding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Node_and_a_static_C_client_resolve_and_reach_the_allowed_name_without_proxy_variables()
    {
        using var api = new PongServer(Api);
        ProcessSandbox sandbox = NamedSandbox($"{Api} api.test\n");
        string dir = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "client.c"), """
            #include <netdb.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
                int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
                if (rc != 0) { printf("unresolved %s\n", argv[1]); return 0; }
                int s = socket(res->ai_family, SOCK_STREAM, 0);
                if (connect(s, res->ai_addr, res->ai_addrlen) != 0) { perror("connect"); return 2; }
                char reply[5] = {0};
                if (write(s, "ping", 4) != 4 || read(s, reply, 4) != 4) return 3;
                printf("c %s\n", reply);
                return 0;
            }
            """);
        await StaticCClient.CompileAsync(dir);

        SandboxPolicy policy = new SandboxPolicyBuilder(Allow($"api.test:{api.Port}")).MountReadOnly(dir, "/opt/client").Build();
        SandboxResult c = await sandbox.RunAsync(policy, new SandboxCommand("/bin/sh", ["-c", $"/opt/client/client api.test {api.Port}; /opt/client/client evil.test {api.Port}"]));
        AssertExited(c);
        Assert.Equal("c pong\nunresolved evil.test\n", Stdout(c));
        Assert.Contains(c.NetworkViolations, v => v.Host == "evil.test" && v.Via == "dns");

        SandboxResult node = await sandbox.RunAsync(policy, new SandboxCommand("node", ["-e", $$"""
            const net = require("net");
            const s = net.connect({{api.Port}}, "api.test", () => s.write("ping"));
            s.on("data", d => { console.log("node " + d); s.end(); });
            s.on("error", e => { console.log("error " + e.code); });
            """]));
        AssertExited(node);
        Assert.Equal("node pong\n", Stdout(node));
        Assert.Equal(2, api.Accepted);
    }
}
