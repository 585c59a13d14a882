using System.Net;
using System.Net.Sockets;

namespace Cordon.IntegrationTests.Support;

/// <summary>A UDP listener on a loopback address that answers each datagram with "echo " and the datagram, counting them.</summary>
internal sealed class UdpEchoServer : IDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private int _received;

    internal UdpEchoServer(IPAddress address)
    {
        _socket = new UdpClient(new IPEndPoint(address, 0));
        _ = Task.Run(ServeAsync);
    }

    internal int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Datagrams received so far.</summary>
    internal int Received => Volatile.Read(ref _received);

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram = await _socket.ReceiveAsync(_stop.Token);
                Interlocked.Increment(ref _received);
                byte[] reply = [.. "echo "u8.ToArray(), .. datagram.Buffer];
                await _socket.SendAsync(reply.AsMemory(), datagram.RemoteEndPoint, _stop.Token);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
