using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Cordon.Cli.Tests.Support;

/// <summary>
/// A loopback HTTPS service for one name: a fresh self-signed certificate (its PEM written where the client can be told
/// to trust it) and a one-line answer to every request.
/// </summary>
internal sealed class TlsHelloServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private int _served;

    internal TlsHelloServer(IPAddress address, string name, string caPemPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        File.WriteAllText(caPemPath, created.ExportCertificatePem() + "\n");
        File.SetUnixFileMode(caPemPath, (UnixFileMode)0b110_100_100);
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Name = name;
        _ = Task.Run(ServeAsync);
    }

    internal string Name { get; }

    internal int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Requests answered.</summary>
    internal int Served => Volatile.Read(ref _served);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(_certificate);
                        byte[] buffer = new byte[4096];
                        _ = await tls.ReadAsync(buffer, _stop.Token);
                        byte[] body = Encoding.ASCII.GetBytes($"hello from {Name}");
                        await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                        await tls.WriteAsync(body, _stop.Token);
                        Interlocked.Increment(ref _served);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException) { }
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
        _stop.Dispose();
    }
}
