using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cordon.Service.Tests;

/// <summary>A real nats-server with JetStream on a free loopback port and a store directory of its own, stopped and removed afterwards.</summary>
public sealed class NatsServer : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/nats-server";
    private readonly Process _process;
    private readonly string _store;

    private NatsServer(Process process, string store, int port)
    {
        _process = process;
        _store = store;
        Url = $"nats://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static bool Installed => File.Exists(Executable);

    public static async Task<NatsServer> StartAsync()
    {
        if (!Installed) throw new InvalidOperationException($"{Executable} is missing: scripts/install-deps.sh installs nats-server");
        int port = FreePort();
        string store = Directory.CreateTempSubdirectory("cordon-nats-test-").FullName;
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-js", "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", store }) start.ArgumentList.Add(a);
        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NatsServer(process, store, port);
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                if (process.HasExited) break;
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"nats-server did not start on port {port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server (its clients lose it); the store is removed on dispose.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();

        _process.Dispose();
        Directory.Delete(_store, recursive: true);
    }
}
