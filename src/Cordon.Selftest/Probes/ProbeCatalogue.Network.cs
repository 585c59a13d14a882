using System.Globalization;
using Cordon.Policy;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private static IEnumerable<ProbeDefinition> Network() =>
    [
        new()
        {
            Id = "net-egress", Category = ProbeCategory.Network, Program = C("net_egress"),
            Description = "TCP to 1.1.1.1:53 and the VM gateway, TCP6 to 2606:4700::1111, UDP to 8.8.8.8:53, resolve example.com, read /sys/class/net",
            Expected = new()
            {
                Text = "socket EPERM (seccomp)",
                Steps = [Step("tcp-*", Eperm), Step("tcp6-*", Eperm), Step("udp-*", Eperm), Step("getaddrinfo", ["FAILED"], [Ok]), Step("stat-sys-class-net", Enoent)],
                Violations = ["socket"],
            },
        },
        new()
        {
            Id = "net-host-loopback", Category = ProbeCategory.Network, Program = C("net_host_loopback"),
            Description = "connect to the harness's listeners on host 127.0.0.1 and ::1, and to ports 22, 80, 2375, 6379, 11434",
            Expected = new() { Text = "socket EPERM; listeners untouched", Steps = [Step("connect-*", Eperm)], Violations = ["socket"] },
        },
        new()
        {
            Id = "net-unix-sockets", Category = ProbeCategory.Network, Program = C("net_unix"),
            Description = "connect to the harness's abstract and path unix sockets, @/tmp/.X11-unix/X0, docker/dbus/nscd/systemd sockets; grep /proc/net/unix",
            Expected = new()
            {
                Text = "abstract ECONNREFUSED/EPERM, path ENOENT",
                Steps = [Step("abstract-*", Econnrefused, Eperm), Step("path-*", Enoent), Step("proc-net-unix-canary", ["ABSENT"], ["VISIBLE"])],
            },
        },
        new()
        {
            Id = "net-raw-packet", Category = ProbeCategory.Network, Program = C("net_raw"),
            Description = "raw ICMP/ICMPv6, AF_PACKET raw and datagram, ping sockets (CVE-2017-7308, CVE-2020-14386)",
            Expected = new() { Text = "EPERM (seccomp)", Steps = [Step("*", Eperm)], Violations = ["socket"] },
        },
        new()
        {
            Id = "net-rare-family", Category = ProbeCategory.Network, Program = C("net_rare_family"),
            Description = "sockets of module-loading families: RDS, TIPC, X.25, CAN, Bluetooth, vsock, AF_ALG, PF_KEY, AppleTalk, LLC, XDP, DCCP, SCTP",
            Expected = new() { Text = "EPERM (seccomp); no module loaded", Steps = [Step("*", Eperm)], Violations = ["socket", "socketpair"] },
        },
        new()
        {
            Id = "net-netlink", Category = ProbeCategory.Network, Program = C("net_netlink"),
            Description = "netlink route, netfilter (nf_tables LPEs), audit, uevent, sock_diag",
            Expected = new() { Text = "EPERM (seccomp)", Steps = [Step("netlink-*", Eperm)], Violations = ["socket"] },
        },
        new()
        {
            Id = "net-loopback-egress", Category = ProbeCategory.Network, Program = C("net_egress"),
            Policy = (b, _) => b.WithNetwork(NetworkMode.Loopback),
            Description = "derived: with a private loopback (--net loopback) IP sockets exist; reach the internet and the VM gateway anyway",
            Expected = new()
            {
                Text = "ENETUNREACH (own netns)",
                Steps = [Step("tcp-*", Enetunreach), Step("tcp6-*", Enetunreach, "EADDRNOTAVAIL"), Step("udp-*", Enetunreach),
                    Step("getaddrinfo", ["FAILED"], [Ok]), Step("stat-sys-class-net", Enoent)],
            },
        },
        new()
        {
            Id = "net-loopback-host-ports", Category = ProbeCategory.Network, Program = C("net_host_loopback"),
            Policy = (b, _) => b.WithNetwork(NetworkMode.Loopback),
            Description = "derived: with a private loopback, connect to the harness's host 127.0.0.1/::1 listeners by port",
            Expected = new()
            {
                Text = "ECONNREFUSED (own lo); canaries intact",
                Steps = [Step("connect-127.0.0.1-*", Econnrefused), Maybe("connect-[::1]-*", Econnrefused, "EADDRNOTAVAIL", Enetunreach)],
            },
        },
        new()
        {
            Id = "net-loopback-unix", Category = ProbeCategory.Network, Program = C("net_unix"),
            Policy = (b, _) => b.WithNetwork(NetworkMode.Loopback),
            Description = "derived: with a private loopback, connect to the harness's abstract and path unix sockets",
            Expected = new()
            {
                Text = "abstract ECONNREFUSED/EPERM, path ENOENT",
                Steps = [Step("abstract-*", Econnrefused, Eperm), Step("path-*", Enoent), Step("proc-net-unix-canary", ["ABSENT"], ["VISIBLE"])],
            },
        },
    ];

    /// <summary>The harness's listeners, as /proc/net/tcp and /proc/net/unix would show them.</summary>
    private static IEnumerable<Finding> NoHostSocketsListed(ProbeEvidence e)
    {
        string output = e.Output;
        var c = e.Canaries.Coordinates;
        foreach (int port in new[] { c.Tcp4Port, c.Tcp6Port ?? -1 }.Where(p => p > 0))
        {
            string hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture) + " ";
            if (output.Contains(hex, StringComparison.Ordinal)) yield return Finding.Escape($"the host listener on port {port} is listed inside the sandbox");
        }

        if (output.Contains(c.AbstractSocketName, StringComparison.Ordinal)) yield return Finding.Escape("the host's abstract unix socket is listed inside the sandbox");
        if (output.Contains(c.PathSocket, StringComparison.Ordinal)) yield return Finding.Escape("the host's unix socket path is listed inside the sandbox");
    }
}
