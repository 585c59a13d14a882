using System.Net;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Network;

/// <summary>
/// UDP rules in the process tier: a connected UDP socket gets one of the host's, and every datagram with an address
/// (sendto, sendmsg, sendmmsg) is sent by the supervisor from copies, so only allowed destinations are reached. Every
/// target is a UDP echo listener on 127.0.0.x that this test starts.
/// </summary>
public class UdpAllowlistTests : SandboxTest
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.7");

    private static SandboxPolicy AllowOnly(params string[] destinations)
    {
        var builder = new SandboxPolicyBuilder();
        foreach (string d in destinations) builder.AllowNetworkTo(NetworkDestination.Parse(d));
        return builder.Build();
    }

    [Fact]
    public async Task Python_reaches_the_allowed_udp_port_connected_and_unconnected_and_every_other_datagram_is_refused_and_named()
    {
        using var allowed = new UdpEchoServer(Allowed);
        using var otherPort = new UdpEchoServer(Allowed);
        using var tcpSamePort = new PongServer(Allowed);

        SandboxResult r = await PythonAsync($$"""
            import socket, errno, resource
            def err(e): return errno.errorcode.get(e.errno, e.errno)
            c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(5)
            c.connect(("127.0.0.7", {{allowed.Port}})); c.send(b"one"); print("connected", c.recv(64).decode(), c.getpeername()[1] == {{allowed.Port}})
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
            print("sendto", u.sendto(b"two", ("127.0.0.7", {{allowed.Port}})))
            data, peer = u.recvfrom(64); print("reply", data.decode(), peer == ("127.0.0.7", {{allowed.Port}}))
            print("sendmsg", u.sendmsg([b"thr", b"ee"], [], 0, ("127.0.0.7", {{allowed.Port}})))
            print("reply", u.recvfrom(64)[0].decode())
            for what, call in [("sendto-denied", lambda: u.sendto(b"x", ("127.0.0.7", {{otherPort.Port}}))),
                               ("sendmsg-denied", lambda: u.sendmsg([b"x"], [], 0, ("127.0.0.7", {{otherPort.Port}}))),
                               ("fresh-denied", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.7", {{otherPort.Port}}))),
                               ("connect-denied", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("127.0.0.7", {{otherPort.Port}}))),
                               ("tcp-denied", lambda: socket.create_connection(("127.0.0.7", {{tcpSamePort.Port}}), timeout=5))]:
                try:
                    call(); print(what, "passed")
                except OSError as e:
                    print(what, err(e))
            print("nofile", resource.getrlimit(resource.RLIMIT_NOFILE))
            """, AllowOnly($"127.0.0.7:{allowed.Port}/udp", $"127.0.0.7:{tcpSamePort.Port}-{tcpSamePort.Port}/udp"));

        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains("connected echo one True", output);
        Assert.Contains("sendto 3", output);
        Assert.Contains("reply echo two True", output);
        Assert.Contains("sendmsg 5", output);
        Assert.Contains("reply echo three", output);
        Assert.Contains("sendto-denied EACCES", output);
        Assert.Contains("sendmsg-denied EACCES", output);
        Assert.Contains("fresh-denied EACCES", output);
        Assert.Contains("connect-denied ECONNREFUSED", output);
        Assert.Contains("tcp-denied ECONNREFUSED", output);
        Assert.Contains("nofile (255, 255)", output);
        Assert.Equal(3, allowed.Received);
        Assert.Equal(0, otherPort.Received);
        Assert.Equal(0, tcpSamePort.Accepted);

        Assert.Contains(r.NetworkViolations, v => v.Port == otherPort.Port && v.Protocol == "udp" && v.Reason == "port not allowed" && v.Via == "sendto");
        Assert.Contains(r.NetworkViolations, v => v.Port == otherPort.Port && v.Protocol == "udp" && v.Reason == "port not allowed" && v.Via == "sendmsg");
        Assert.Contains(r.NetworkViolations, v => v.Port == otherPort.Port && v.Protocol == "udp" && v.Via == "connect");
        Assert.Contains(r.NetworkViolations, v => v.Port == tcpSamePort.Port && v.Protocol == "tcp" && v.Reason == "tcp not allowed to this address");
        Assert.DoesNotContain(r.NetworkViolations, v => v.Port == allowed.Port);
        Assert.Empty(r.Violations);
    }

    [Fact]
    public async Task A_static_C_client_sends_unconnected_datagrams_while_a_racing_thread_rewrites_the_address_and_none_reaches_the_denied_port()
    {
        using var allowed = new UdpEchoServer(Allowed);
        using var forbidden = new UdpEchoServer(Allowed);
        string dir = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "client.c"), """
            #define _GNU_SOURCE
            #include <arpa/inet.h>
            #include <errno.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>
            static struct sockaddr_in target;
            static struct msghdr message;
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
                int s = socket(AF_INET, SOCK_DGRAM, 0);
                if (sendto(s, "ping", 4, 0, (struct sockaddr *)&target, sizeof target) != 4) { perror("sendto"); return 2; }
                char reply[16] = {0};
                if (recv(s, reply, sizeof reply - 1, 0) <= 0) { perror("recv"); return 3; }
                printf("reply %s\n", reply);
                struct iovec iov = { "mm", 2 };
                struct mmsghdr two[2];
                memset(two, 0, sizeof two);
                for (int i = 0; i < 2; i++) { two[i].msg_hdr.msg_name = &target; two[i].msg_hdr.msg_namelen = sizeof target; two[i].msg_hdr.msg_iov = &iov; two[i].msg_hdr.msg_iovlen = 1; }
                int n = sendmmsg(s, two, 2, 0);
                printf("sendmmsg %d %u %u\n", n, two[0].msg_len, two[1].msg_len);
                for (int i = 0; i < n; i++) recv(s, reply, sizeof reply - 1, 0);
                pthread_t t; pthread_create(&t, 0, flip, 0);
                int sent = 0, refused = 0;
                for (int i = 0; i < 300; i++) {
                    if (sendto(s, "r", 1, 0, (struct sockaddr *)&target, sizeof target) == 1) sent++;
                    else if (errno == EACCES) refused++;
                }
                racing = 0; pthread_join(t, 0);
                printf("race %d sent %d\n", sent + refused, sent);
                return 0;
            }
            """);
        await StaticCClient.CompileAsync(dir);

        SandboxPolicy policy = new SandboxPolicyBuilder()
            .AllowNetworkTo(NetworkDestination.Parse($"127.0.0.0/29:{allowed.Port}/udp"))
            .MountReadOnly(dir, "/opt/client").Build();
        SandboxResult r = await Sandbox.RunAsync(policy, new SandboxCommand("/opt/client/client", ["127.0.0.7", $"{allowed.Port}", $"{forbidden.Port}"]));

        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains("reply echo ping", output);
        Assert.Contains("sendmmsg 2 2 2", output);
        Assert.Contains("race 300 sent", output);
        int sent = int.Parse(output.Split("sent ")[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // Every datagram the guest was told was sent went to the allowed port; the echo server counts them as they arrive.
        for (int i = 0; i < 100 && allowed.Received < 3 + sent; i++) await Task.Delay(50);
        Assert.Equal(3 + sent, allowed.Received);
        Assert.Equal(0, forbidden.Received);
        Assert.All(r.NetworkViolations, v => Assert.Equal((v.Port, v.Reason, v.Via), (forbidden.Port, "port not allowed", "sendto")));
    }

    [Fact]
    public async Task With_a_udp_rule_unix_sockets_still_work_in_the_guest_but_a_unix_path_is_refused_and_named()
    {
        using var allowed = new UdpEchoServer(Allowed);
        SandboxResult r = await PythonAsync("""
            import socket, os, errno
            a, b = socket.socketpair()
            r, w = os.pipe()
            socket.send_fds(a, [b"fd"], [w]); msg, fds, _, _ = socket.recv_fds(b, 16, 1)
            os.write(fds[0], b"via-passed-fd"); print(msg.decode(), os.read(r, 64).decode())
            srv = socket.socket(socket.AF_UNIX); srv.bind("\0cordon-test"); srv.listen(1)
            c = socket.socket(socket.AF_UNIX); c.connect("\0cordon-test"); s, _ = srv.accept(); c.sendall(b"abstract"); print(s.recv(16).decode())
            try:
                p = socket.socket(socket.AF_UNIX); p.bind("/tmp/cordon.sock"); print("bind passed")
            except OSError as e:
                print("bind", errno.errorcode[e.errno])
            """, AllowOnly($"127.0.0.7:{allowed.Port}/udp"));

        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains("fd via-passed-fd", output);
        Assert.Contains("abstract", output);
        Assert.Contains("bind EACCES", output);
        Assert.Contains(r.NetworkViolations, v => v.Address == "/tmp/cordon.sock" && v.Protocol == "unix" && v.Via == "bind");
    }

    [Fact]
    public async Task A_udp_rule_lowers_the_open_file_limit_to_255_so_descriptor_255_stays_the_launchers()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithOpenFiles(4096).AllowNetworkTo(NetworkDestination.Parse("127.0.0.53:53/udp")).Build();
        Assert.Empty(Cordon.Backends.Process.Tier.ProcessTier.Assessment(policy).Findings);
        SandboxResult r = await PythonAsync("""
            import os, resource
            print(*resource.getrlimit(resource.RLIMIT_NOFILE)); os.dup2(1, 254); print("ok")
            try:
                os.dup2(1, 255)
            except OSError as e:
                print("refused", e.errno)
            """, policy);
        AssertExited(r);
        Assert.Equal("255 255\nok\nrefused 9\n", Stdout(r));
    }
}
