using System.Net;
using System.Net.Sockets;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Network;

/// <summary>
/// Address allowlists in the process tier: the guest keeps its own empty network namespace, and only a connect to an
/// allowed address and port reaches the host (through the supervisor). Every target is a loopback listener this test starts.
/// </summary>
public class NetworkAllowlistTests : SandboxTest
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.5");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.6");

    private static SandboxPolicy AllowOnly(string destination, NetworkMode mode = NetworkMode.None)
        => new SandboxPolicyBuilder().WithNetwork(mode).AllowNetworkTo(NetworkDestination.Parse(destination)).Build();

    [Fact]
    public async Task Python_reaches_the_allowed_address_and_port_and_nothing_else_each_refusal_named()
    {
        using var allowed = new PongServer(Allowed);
        using var otherPort = new PongServer(Allowed);
        using var otherAddress = new PongServer(Other);
        using var hostLoopback = new PongServer(IPAddress.Loopback);
        using var ipv6 = new TcpListener(IPAddress.IPv6Loopback, 0);
        ipv6.Start();
        int v6Port = ((IPEndPoint)ipv6.LocalEndpoint).Port;
        using var udp = new UdpClient(new IPEndPoint(Allowed, 0));
        int udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

        SandboxResult r = await PythonAsync($$"""
            import socket, errno
            def tcp(family, host, port):
                try:
                    s = socket.socket(family, socket.SOCK_STREAM); s.settimeout(5); s.connect((host, port))
                    s.sendall(b"ping"); print("reached", host, port, s.recv(4).decode())
                except OSError as e:
                    print("refused", host, port, errno.errorcode.get(e.errno, e.errno))
            tcp(socket.AF_INET, "127.0.0.5", {{allowed.Port}})
            tcp(socket.AF_INET, "127.0.0.5", {{otherPort.Port}})
            tcp(socket.AF_INET, "127.0.0.6", {{otherAddress.Port}})
            tcp(socket.AF_INET, "127.0.0.1", {{hostLoopback.Port}})
            tcp(socket.AF_INET6, "::1", {{v6Port}})
            tcp(socket.AF_INET6, "::ffff:127.0.0.5", {{allowed.Port}})
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.connect(("127.0.0.5", {{udpPort}})); u.send(b"x"); print("udp sent")
            except OSError as e:
                print("udp refused", errno.errorcode.get(e.errno, e.errno))
            """, AllowOnly($"127.0.0.5:{allowed.Port}"));

        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains($"reached 127.0.0.5 {allowed.Port} pong", output);
        Assert.Contains($"reached ::ffff:127.0.0.5 {allowed.Port} pong", output);
        Assert.Contains($"refused 127.0.0.5 {otherPort.Port} ECONNREFUSED", output);
        Assert.Contains($"refused 127.0.0.6 {otherAddress.Port} ECONNREFUSED", output);
        Assert.Contains($"refused 127.0.0.1 {hostLoopback.Port} ECONNREFUSED", output);
        Assert.Contains($"refused ::1 {v6Port} ECONNREFUSED", output);
        Assert.Contains("udp refused ECONNREFUSED", output);

        Assert.Equal(2, allowed.Accepted);
        Assert.Equal(0, otherPort.Accepted);
        Assert.Equal(0, otherAddress.Accepted);
        Assert.Equal(0, hostLoopback.Accepted);
        Assert.False(ipv6.Pending());
        Assert.Equal(0, udp.Available);

        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.5" && v.Port == otherPort.Port && v.Protocol == "tcp" && v.Reason == "port not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.6" && v.Port == otherAddress.Port && v.Reason == "address not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.1" && v.Port == hostLoopback.Port && v.Reason == "address not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Address == "::1" && v.Port == v6Port && v.Reason == "address not allowed");
        Assert.Contains(r.NetworkViolations, v => v.Address == "127.0.0.5" && v.Port == udpPort && v.Protocol == "udp");
        Assert.DoesNotContain(r.NetworkViolations, v => v.Port == allowed.Port);
        Assert.Empty(r.Violations);
    }

    [Fact]
    public async Task A_static_C_client_reaches_the_allowed_range_and_a_racing_thread_cannot_redirect_its_connect()
    {
        using var allowed = new PongServer(Allowed);
        using var forbidden = new PongServer(Allowed);
        string dir = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "client.c"), """
            #include <arpa/inet.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>
            static struct sockaddr_in target;
            static volatile int racing = 1;
            static unsigned short good, bad;
            static void *flip(void *unused) {
                (void)unused;
                while (racing) { target.sin_port = htons(bad); target.sin_port = htons(good); }
                return 0;
            }
            int main(int argc, char **argv) {
                good = (unsigned short)atoi(argv[2]); bad = (unsigned short)atoi(argv[3]);
                target.sin_family = AF_INET; target.sin_port = htons(good); inet_pton(AF_INET, argv[1], &target.sin_addr);
                int s = socket(AF_INET, SOCK_STREAM, 0);
                if (connect(s, (struct sockaddr *)&target, sizeof target) != 0) { perror("connect"); return 2; }
                char reply[5] = {0};
                if (write(s, "ping", 4) != 4 || read(s, reply, 4) != 4) return 3;
                printf("reply %s\n", reply);
                close(s);
                pthread_t t; pthread_create(&t, 0, flip, 0);
                int reached = 0, refused = 0;
                for (int i = 0; i < 200; i++) {
                    int c = socket(AF_INET, SOCK_STREAM, 0);
                    if (connect(c, (struct sockaddr *)&target, sizeof target) == 0) reached++; else refused++;
                    close(c);
                }
                racing = 0; pthread_join(t, 0);
                printf("race done %d\n", reached + refused);
                return 0;
            }
            """);
        await StaticCClient.CompileAsync(dir);

        SandboxPolicy policy = new SandboxPolicyBuilder()
            .AllowNetworkTo(NetworkDestination.Parse($"127.0.0.0/29:{allowed.Port}"))
            .MountReadOnly(dir, "/opt/client").Build();
        SandboxResult r = await Sandbox.RunAsync(policy, new SandboxCommand("/opt/client/client", ["127.0.0.5", $"{allowed.Port}", $"{forbidden.Port}"]));

        AssertExited(r);
        Assert.Contains("reply pong", Stdout(r));
        Assert.Contains("race done 200", Stdout(r));
        Assert.Equal(0, forbidden.Accepted);
        Assert.All(r.NetworkViolations, v => Assert.Equal((v.Port, v.Reason), (forbidden.Port, "port not allowed")));
    }

    [Fact]
    public async Task With_loopback_mode_the_guest_keeps_its_own_loopback_beside_the_allowlist()
    {
        using var allowed = new PongServer(Allowed);
        SandboxResult r = await PythonAsync($$"""
            import socket
            srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
            c = socket.create_connection(srv.getsockname()); a, _ = srv.accept()
            c.sendall(b"own"); print(a.recv(3).decode())
            s = socket.create_connection(("127.0.0.5", {{allowed.Port}}), timeout=5); s.sendall(b"ping"); print(s.recv(4).decode())
            """, AllowOnly($"127.0.0.5:{allowed.Port}", NetworkMode.Loopback));
        AssertExited(r);
        Assert.Equal("own\npong\n", Stdout(r));
        Assert.Empty(r.NetworkViolations);
    }

    [Fact]
    public async Task A_source_route_cannot_be_set_on_a_socket_of_the_hosts_and_other_socket_options_still_can()
    {
        using var allowed = new PongServer(Allowed);
        SandboxResult r = await PythonAsync($$"""
            import socket, errno
            s = socket.create_connection(("127.0.0.5", {{allowed.Port}}), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); print("nodelay ok")
            lsrr = bytes([131, 7, 4, 203, 0, 113, 7, 0])  # loose source route through 203.0.113.7
            for level, name, value in [(socket.IPPROTO_IP, 4, lsrr), (socket.IPPROTO_IPV6, 57, bytes(8))]:
                t = s if level == socket.IPPROTO_IP else socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                try:
                    t.setsockopt(level, name, value); print("route set", name)
                except OSError as e:
                    print("route refused", name, errno.errorcode[e.errno])
            s.sendall(b"ping"); print(s.recv(4).decode())
            """, AllowOnly($"127.0.0.5:{allowed.Port}"));
        AssertExited(r);
        Assert.Equal("nodelay ok\nroute refused 4 EPERM\nroute refused 57 EPERM\npong\n", Stdout(r));
        Assert.Contains(r.Violations, v => v.Syscall == "setsockopt");
    }

    [Fact]
    public void Udp_rules_and_host_names_are_enforced_by_the_process_tier()
    {
        Assert.Empty(Cordon.Backends.Process.Tier.ProcessTier.Assessment(AllowOnly("127.0.0.53:53/udp")).Findings);
        Assert.Empty(Cordon.Backends.Process.Tier.ProcessTier.Assessment(AllowOnly("pypi.org:443")).Findings);
        Assert.Empty(Cordon.Backends.Process.Tier.ProcessTier.Assessment(AllowOnly("*.pythonhosted.org:443")).Findings);
        Assert.Empty(Cordon.Backends.Process.Tier.ProcessTier.Assessment(AllowOnly("10.0.0.0/8:443")).Findings);
    }
}
