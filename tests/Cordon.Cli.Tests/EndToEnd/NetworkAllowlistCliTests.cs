using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary><c>cordon run --allow-net</c> end to end: the allowed loopback listener answers, a refusal is named, host names are refused.</summary>
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

    [Fact]
    public async Task A_host_name_rule_is_refused_before_anything_starts_with_exit_125()
    {
        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--allow-host", "example.org:443", "--", "true");
        Assert.Equal(125, run.Code);
        Assert.Contains("'example.org:443'", run.Stderr);
        Assert.Contains("not host names yet", run.Stderr);
    }
}
