using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>
/// Network allowlists through the service: a request may name destinations only within the server's
/// <c>[ceilings] network_allow</c> (none by default), and each refusal reaches every surface: the result document, the
/// SSE <c>violation</c> frame and the Piston response's denials. The targets are loopback listeners this test starts.
/// </summary>
public sealed class NetworkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cordon-serve-network-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Python(string source, string networkAllow)
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtime"] = "python3",
            ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = source } },
            ["networkAllow"] = new[] { networkAllow },
        });

    [Fact]
    public async Task Without_a_network_ceiling_a_request_that_names_a_destination_is_refused_and_names_the_field()
    {
        await using ServeProcess serve = await ServeProcess.StartAsync();
        var (status, problem, _) = await serve.PostAsync("/v1/runs", Python("print(1)", "127.0.0.11:80"));
        Assert.Equal(422, status);
        Assert.Equal("networkAllow", problem.GetProperty("field").GetString());
        Assert.Contains("no network", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Within_the_ceiling_the_allowed_port_is_reached_and_the_refusal_is_named_in_the_result_the_events_and_piston()
    {
        using var allowed = new TcpListener(IPAddress.Parse("127.0.0.11"), 0);
        using var other = new TcpListener(IPAddress.Parse("127.0.0.11"), 0);
        allowed.Start();
        other.Start();
        int port = ((IPEndPoint)allowed.LocalEndpoint).Port, otherPort = ((IPEndPoint)other.LocalEndpoint).Port;
        string config = Path.Combine(_directory, "serve.toml");
        await File.WriteAllTextAsync(config, "runtimes = [\"python3\"]\n[ceilings]\nnetwork_allow = [\"127.0.0.11:1024-65535\"]\n");
        await using ServeProcess serve = await ServeProcess.StartAsync("--config", config);

        // Outside the ceiling: refused before anything runs.
        var (status, problem, _) = await serve.PostAsync("/v1/runs", Python("print(1)", "127.0.0.12:80"));
        Assert.Equal(422, status);
        Assert.Equal("networkAllow[0]", problem.GetProperty("field").GetString());

        string source = $"import socket\nsocket.create_connection(('127.0.0.11', {port}), timeout=5); print('reached')\n"
            + $"try:\n    socket.create_connection(('127.0.0.11', {otherPort}), timeout=5)\nexcept OSError as e:\n    print('refused', e.errno)\n";
        var (ok, view, _) = await serve.PostAsync("/v1/runs?wait=true", Python(source, $"127.0.0.11:{port}"));
        Assert.Equal(200, ok);
        JsonElement run = view.GetProperty("run");
        Assert.Equal("reached\nrefused 111\n", run.GetProperty("stdout").GetString());
        JsonElement violation = Assert.Single(run.GetProperty("violations").EnumerateArray());
        Assert.Equal("network", violation.GetProperty("kind").GetString());
        Assert.Equal(otherPort, violation.GetProperty("port").GetInt32());
        Assert.True(allowed.Pending());
        Assert.False(other.Pending());

        // The run's events, replayed from the start: the violation frame names the destination and the reason.
        string id = view.GetProperty("id").GetString()!;
        using HttpResponseMessage events = await serve.Client.GetAsync($"/v1/runs/{id}/events");
        string stream = await events.Content.ReadAsStringAsync();
        string frame = stream.Split('\n').SkipWhile(l => l != "event: violation").Skip(1).First();
        using JsonDocument data = JsonDocument.Parse(frame["data: ".Length..]);
        JsonElement f = data.RootElement;
        Assert.Equal("network", f.GetProperty("kind").GetString());
        Assert.Equal("connect", f.GetProperty("syscall").GetString());
        Assert.Equal("127.0.0.11", f.GetProperty("address").GetString());
        Assert.Equal(otherPort, f.GetProperty("port").GetInt32());
        Assert.Equal("tcp", f.GetProperty("protocol").GetString());
        Assert.Equal("port not allowed", f.GetProperty("reason").GetString());
        Assert.Equal("connect", f.GetProperty("via").GetString());

        // Piston: the same run, its refusal one line of cordon_denials.
        string piston = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["language"] = "python",
            ["version"] = "*",
            ["files"] = new[] { new Dictionary<string, string> { ["content"] = source } },
            ["network_allow"] = new[] { $"127.0.0.11:{port}" },
        });
        var (pistonStatus, body, _) = await serve.PostAsync("/api/v2/execute", piston);
        Assert.Equal(200, pistonStatus);
        JsonElement stage = body.GetProperty("run");
        Assert.Equal("reached\nrefused 111\n", stage.GetProperty("stdout").GetString());
        Assert.Equal([$"network connect 127.0.0.11:{otherPort}/tcp: refused x1 (port not allowed)"],
            stage.GetProperty("cordon_denials").EnumerateArray().Select(d => d.GetString()));
    }
}
