using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary><c>cordon run --allow-net/--allow-host</c> end to end: the allowed loopback listener answers, each refusal is named, bad rules are refused.</summary>
public class NetworkAllowlistCliTests
{
    [Fact]
    public async Task Allow_net_reaches_the_listener_and_names_the_refused_connection_in_the_summary_and_the_json()
    {
        using var allowed = new TcpListener(IPAddress.Parse("127.0.0.7"), 0);
        using var other = new TcpListener(IPAddress.Parse("127.0.0.7"), 0);
        allowed.Start();
        other.Start();
        int port = ((IPEndPoint)allowed.LocalEndpoint).Port, otherPort = ((IPEndPoint)other.LocalEndpoint).Port;
        string script = $"import socket\nsocket.create_connection(('127.0.0.7', {port}), timeout=5)\nprint('reached')\n"
            + $"try:\n  socket.create_connection(('127.0.0.7', {otherPort}), timeout=5)\nexcept ConnectionRefusedError:\n  print('refused')\n";

        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--allow-net", $"127.0.0.7:{port}", "--", "python3", "-c", script);
        Assert.Equal(0, run.Code);
        Assert.Equal("reached\nrefused\n", run.Stdout);
        Assert.Contains($"refused connection to 127.0.0.7:{otherPort}/tcp ×1 (port not allowed)", run.Stderr);
        Assert.True(allowed.Pending());
        Assert.False(other.Pending());

        CordonCli.Outcome json = await CordonCli.RunAsync("run", "--json", "--allow-net", $"127.0.0.7:{port}", "--", "python3", "-c", script);
        using JsonDocument document = JsonDocument.Parse(json.Stdout);
        JsonElement violation = Assert.Single(document.RootElement.GetProperty("violations").EnumerateArray());
        Assert.Equal("network", violation.GetProperty("kind").GetString());
        Assert.Equal("127.0.0.7", violation.GetProperty("address").GetString());
        Assert.Equal(otherPort, violation.GetProperty("port").GetInt32());
        Assert.Equal("port not allowed", violation.GetProperty("reason").GetString());
        Assert.False(violation.TryGetProperty("syscall", out _));
    }

    /// <summary>
    /// The done line: curl reaches a loopback TLS service by an allowed name with no proxy variable, through the
    /// sandbox's name server, and every other name or port is refused and named. The name is mapped in a hosts file bound
    /// over /etc/hosts in a private mount namespace of this test's (unshare; needs root), so the host's file is untouched.
    /// </summary>
    [Fact]
    public async Task Curl_reaches_an_allowed_name_over_tls_and_other_names_and_ports_are_refused_and_named()
    {
        if (!Environment.IsPrivilegedProcess) return; // a private /etc/hosts needs a mount namespace of our own
        string dir = Directory.CreateTempSubdirectory("cordon-tls-").FullName;
        try
        {
            using var service = new TlsHelloServer(IPAddress.Parse("127.0.0.4"), "tls.test", Path.Combine(dir, "ca.pem"));
            using var otherPort = new TcpListener(IPAddress.Parse("127.0.0.4"), 0);
            otherPort.Start();
            int other = ((IPEndPoint)otherPort.LocalEndpoint).Port;
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            string hosts = Path.Combine(dir, "hosts");
            await File.WriteAllTextAsync(hosts, "127.0.0.1 localhost\n127.0.0.4 tls.test\n127.0.0.4 evil.test\n");
            string script = $"mount --bind {hosts} /etc/hosts && exec env -u http_proxy -u https_proxy -u HTTPS_PROXY -u ALL_PROXY {CordonCli.Command} run --allow-host tls.test:{service.Port} --ro {dir}:/opt/ca -- "
                + $"sh -c 'curl -sS --cacert /opt/ca/ca.pem https://tls.test:{service.Port}/; echo; curl -sS --cacert /opt/ca/ca.pem https://evil.test:{service.Port}/; echo evil=$?; "
                + $"curl -sS https://tls.test:{other}/; echo port=$?'";
            CordonCli.Outcome run = await CordonCli.RunProgramAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script]);

            Assert.Equal(0, run.Code);
            Assert.StartsWith("hello from tls.test\n", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("evil=6", run.Stdout, StringComparison.Ordinal); // curl: could not resolve host
            Assert.Contains("port=7", run.Stdout, StringComparison.Ordinal); // curl: could not connect
            Assert.Contains("cordon: refused name lookup evil.test", run.Stderr, StringComparison.Ordinal);
            Assert.Contains($"cordon: refused connection to tls.test (127.0.0.4):{other}/tcp ×1 (port not allowed)", run.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, service.Served);
            Assert.False(otherPort.Pending());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_host_name_rule_that_cannot_be_a_host_name_is_refused_before_anything_starts_with_exit_125()
    {
        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--allow-host", "exa_mple!.org:443", "--", "true");
        Assert.Equal(125, run.Code);
        Assert.Contains("'exa_mple!.org:443'", run.Stderr);
        Assert.Contains("DNS name", run.Stderr);

        CordonCli.Outcome upsideDown = await CordonCli.RunAsync("run", "--allow-host", "example.org:443-80", "--", "true");
        Assert.Equal(125, upsideDown.Code);
        Assert.Contains("upside down", upsideDown.Stderr);

        CordonCli.Outcome hostNetwork = await CordonCli.RunAsync("run", "--net", "host", "--allow-host", "example.org:443", "--", "true");
        Assert.Equal(125, hostNetwork.Code);
        Assert.Contains("--allow-host", hostNetwork.Stderr);
    }

    /// <summary>
    /// The allowlist without root: the CLI runs as uid 65534 with no groups and no capabilities (setpriv; the rootless part of
    /// the suite does the same), and an allowed name (TCP), an allowed UDP port and every refusal behave as they do for root.
    /// The supervisor needs nothing privileged here: it owns the sandbox's user namespace, opens host sockets as any user
    /// can, and installs them with SECCOMP_IOCTL_NOTIF_ADDFD on its own listener.
    /// </summary>
    [Fact]
    public async Task As_an_unprivileged_user_an_allowed_name_and_udp_port_are_reached_and_every_other_destination_is_refused_and_named()
    {
        if (!Environment.IsPrivilegedProcess) return; // setpriv needs root; a suite run unprivileged is itself this case (the other tests here)
        string dir = Directory.CreateTempSubdirectory("cordon-rootless-net-").FullName;
        try
        {
            using var tcp = new TcpListener(IPAddress.Parse("127.0.0.9"), 0);
            tcp.Start();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
            int tcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port, udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            Task echo = Task.Run(async () =>
            {
                UdpReceiveResult d = await udp.ReceiveAsync();
                await udp.SendAsync(d.Buffer, d.RemoteEndPoint);
            });
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            string hosts = Path.Combine(dir, "hosts");
            await File.WriteAllTextAsync(hosts, "127.0.0.1 localhost\n127.0.0.9 api.test\n127.0.0.9 evil.test\n");
            string guest = $"import socket, errno\n"
                + $"socket.create_connection(('api.test', {tcpPort}), timeout=5); print('tcp by name')\n"
                + $"u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5); u.sendto(b'hi', ('127.0.0.9', {udpPort})); print('udp', u.recv(8).decode())\n"
                + $"for dest in [('evil.test', {tcpPort}), ('127.0.0.9', {udpPort + 1})]:\n"
                + "  try:\n    socket.create_connection(dest, timeout=5); print('reached', dest)\n"
                + "  except OSError as e:\n    print('refused', dest[0])\n"
                + $"try:\n  u.sendto(b'x', ('127.0.0.9', {udpPort + 1}))\nexcept OSError as e:\n  print('udp refused', errno.errorcode[e.errno])\n";
            await File.WriteAllTextAsync(Path.Combine(dir, "guest.py"), guest);
            string script = $"mount --bind {hosts} /etc/hosts && cd /tmp && exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "
                + $"env -i PATH=/usr/bin:/bin HOME=/tmp DOTNET_CLI_HOME=/tmp DOTNET_NOLOGO=1 {CordonCli.Command} run --json "
                + $"--allow-host api.test:{tcpPort} --allow-net 127.0.0.9:{udpPort}/udp --ro {dir}:/opt/t -- python3 /opt/t/guest.py";
            CordonCli.Outcome run = await CordonCli.RunProgramAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script]);

            Assert.True(run.Code == 0, run.Stderr + run.Stdout);
            using JsonDocument document = JsonDocument.Parse(run.Stdout);
            string stdout = document.RootElement.GetProperty("stdout").GetString()!;
            Assert.Contains("tcp by name", stdout, StringComparison.Ordinal);
            Assert.Contains("udp hi", stdout, StringComparison.Ordinal);
            Assert.Contains("refused evil.test", stdout, StringComparison.Ordinal);
            Assert.Contains("refused 127.0.0.9", stdout, StringComparison.Ordinal);
            Assert.Contains("udp refused EACCES", stdout, StringComparison.Ordinal);
            JsonElement[] violations = [.. document.RootElement.GetProperty("violations").EnumerateArray()];
            Assert.Contains(violations, v => v.GetProperty("kind").GetString() == "network" && v.TryGetProperty("host", out JsonElement h) && h.GetString() == "evil.test"
                && v.GetProperty("via").GetString() == "dns" && v.GetProperty("reason").GetString() == "name not allowed");
            Assert.Contains(violations, v => v.GetProperty("kind").GetString() == "network" && v.GetProperty("port").GetInt32() == udpPort + 1
                && v.GetProperty("protocol").GetString() == "udp" && v.GetProperty("via").GetString() == "sendto");
            Assert.Contains(violations, v => v.GetProperty("kind").GetString() == "network" && v.GetProperty("port").GetInt32() == udpPort + 1
                && v.GetProperty("protocol").GetString() == "tcp" && v.GetProperty("via").GetString() == "connect");
            await echo.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
