using System.Net;
using System.Net.Sockets;

namespace Cordon.IntegrationTests.Support;

/// <summary>A loopback TCP listener (the only kind of target a network test may have) that answers every connection with "pong" after reading what the client sent.</summary>
internal sealed class PongServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    internal PongServer(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    internal int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    internal int Accepted => Volatile.Read(ref _accepted);

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        NetworkStream stream = client.GetStream();
                        byte[] buffer = new byte[16];
                        try
                        {
                            _ = await stream.ReadAsync(buffer, _stop.Token);
                            await stream.WriteAsync("pong"u8.ToArray(), _stop.Token);
                        }
                        catch (IOException) { }
                        catch (OperationCanceledException) { }
                    }
                });
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}

