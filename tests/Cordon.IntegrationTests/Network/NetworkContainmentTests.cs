using System.Net;
using System.Net.Sockets;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Network;

public class NetworkContainmentTests : SandboxTest
{
    private static string ConnectScript(int port) => $$"""
        import socket, errno
        for host in ["127.0.0.1", "10.0.2.2", "1.1.1.1"]:
            try:
                s = socket.create_connection((host, {{port}}), timeout=1); print("CONNECTED", host)
            except OSError as e:
                print("refused", host, errno.errorcode.get(e.errno, e.errno) if e.errno else type(e).__name__)
        """;

    [Theory]
    [InlineData(NetworkMode.None)]
    [InlineData(NetworkMode.Loopback)]
    public async Task Guest_cannot_reach_a_host_loopback_listener(NetworkMode mode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        SandboxResult r = await PythonAsync(ConnectScript(port), new SandboxPolicyBuilder().WithNetwork(mode).Build());
        AssertExited(r);
        Assert.DoesNotContain("CONNECTED", Stdout(r));
        Assert.Contains("refused 127.0.0.1", Stdout(r));
        Assert.False(listener.Pending(), "the host listener saw a connection from the sandbox");
    }

    [Fact]
    public async Task Loopback_mode_gives_a_private_working_loopback()
    {
        SandboxResult r = await PythonAsync("""
            import socket
            srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
            c = socket.create_connection(srv.getsockname()); a, _ = srv.accept()
            c.sendall(b"ping"); print(a.recv(4).decode())
            """, new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build());
        AssertExited(r);
        Assert.Equal("ping\n", Stdout(r));
    }

    [Fact]
    public async Task Host_network_is_named_in_the_warnings()
    {
        SandboxResult r = await RunAsync(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Host).Allow(Cordon.Policy.Dangerous.HostNetworkAccess.Instance).Build(), "true");
        AssertExited(r);
        Assert.Contains(r.Warnings, w => w.Contains("HOST NETWORK", StringComparison.Ordinal));
    }
}
