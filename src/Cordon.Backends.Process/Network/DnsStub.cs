using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// The sandbox's name server: the guest's resolv.conf names <see cref="Endpoint"/>, and the supervisor answers there (UDP
/// and TCP) on two sockets the launcher made in the guest's own network namespace. Only names an allowlist rule names are
/// resolved (through <see cref="HostNameResolver"/>); every other name gets NXDOMAIN and a named refusal. Each address handed
/// out is remembered (<see cref="ResolvedAddresses"/>): that, not the name the guest claims, is what a later connect is
/// checked against.
/// </summary>
/// <remarks>
/// The sockets live in the guest's namespace, so the guest reaches them over its own loopback like any name server, and
/// the answers come from the address it asked (resolvers drop answers from anywhere else). The supervisor may bind port 53
/// there because it owns the sandbox's user namespace. An answer in an internal range (loopback, private, link-local) is
/// dropped unless it comes from the host's hosts file or an address rule names that range: that is DNS rebinding's shape.
/// </remarks>
internal sealed class DnsStub : IDisposable
{
    /// <summary>Where the guest's resolver sends its queries (a loopback address of the guest's own namespace).</summary>
    internal static readonly IPEndPoint Endpoint = new(IPAddress.Parse("127.0.0.53"), 53);

    private const int MaxInFlight = 16;
    private static readonly TimeSpan TcpIdle = TimeSpan.FromSeconds(10);

    private readonly DestinationCheck _rules;
    private readonly HostNameResolver _resolver;
    private readonly NetworkLedger _ledger;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _udp;
    private Socket? _tcp;

    /// <summary>Whether a run of <paramref name="policy"/> gets a name server: it has host-name rules and its connects go through the supervisor.</summary>
    internal static bool Serves(Cordon.Policy.SandboxPolicy policy)
        => policy.Network.Allowed.Any(d => d.HostName is not null) && Seccomp.SyscallProfiles.ConnectsThroughSupervisor(policy.Syscalls, policy.Network);

    /// <summary>The guest's /etc/resolv.conf: only the stub, no search list (a name is asked as written).</summary>
    internal static string ResolvConf => $"nameserver {Endpoint.Address}\noptions timeout:2 attempts:3\n";

    internal DnsStub(DestinationCheck rules, HostNameResolver resolver, NetworkLedger ledger)
        => (_rules, _resolver, _ledger) = (rules, resolver, ledger);

    /// <summary>Why the stub could not start (names then do not resolve in the guest), or null.</summary>
    internal string? StartFailure { get; private set; }

    /// <summary>Binds the launcher's sockets to <see cref="Endpoint"/> and serves on them until disposed; takes ownership of both.</summary>
    internal void Start(SafeFileHandle udp, SafeFileHandle tcp)
    {
        try
        {
            _udp = Adopt(udp);
            _tcp = Adopt(tcp);
            _udp.Bind(Endpoint);
            _tcp.Bind(Endpoint);
            _tcp.Listen(16);
        }
        catch (SocketException e)
        {
            StartFailure = $"the sandbox's name server could not bind {Endpoint}: {e.Message}; host names will not resolve";
            _udp?.Dispose();
            _tcp?.Dispose();
            return;
        }

        new Thread(ServeUdp) { IsBackground = true, Name = "cordon-dns-udp" }.Start();
        new Thread(ServeTcp) { IsBackground = true, Name = "cordon-dns-tcp" }.Start();
    }

    /// <summary>The answer to one query over <paramref name="protocol"/> (<c>udp</c> or <c>tcp</c>); null to drop it (not even a header).</summary>
    internal byte[]? Respond(ReadOnlySpan<byte> query, string protocol)
    {
        if (DnsMessage.ReadQuestion(query) is not { } question)
        {
            return query.Length >= 4 ? DnsMessage.Answer(query, new DnsMessage.Question(BinaryPrimitives.ReadUInt16BigEndian(query), 0, "", 0, 0, -1), DnsMessage.FormatError, [], 0) : null;
        }

        if (question.QuestionEnd < 0) return DnsMessage.Answer(query, question, DnsMessage.NotImplemented, [], 0);
        if (question.Class != DnsMessage.ClassInternet) return DnsMessage.Answer(query, question, DnsMessage.Refused, [], 0);
        if (!_rules.NameAllowed(question.Name))
        {
            _ledger.Record("", Endpoint.Port, protocol, "name not allowed", question.Name, "dns");
            return DnsMessage.Answer(query, question, DnsMessage.NameError, [], 0);
        }

        AddressFamily? family = question.Type switch
        {
            DnsMessage.TypeA => AddressFamily.InterNetwork,
            DnsMessage.TypeAaaa => AddressFamily.InterNetworkV6,
            _ => null,
        };
        // Another type of an allowed name (MX, TXT, HTTPS...): an empty answer, so the client falls back to addresses.
        if (family is null) return DnsMessage.Answer(query, question, DnsMessage.NoError, [], 0);

        (ImmutableArray<IPAddress> found, bool fromHostsFile) = _resolver.Resolve(question.Name, family.Value);
        List<IPAddress> given = [];
        foreach (IPAddress address in found)
        {
            IPAddress normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (!fromHostsFile && InternalAddresses.Contains(normalized) && !_rules.AddressRuleCovers(normalized))
            {
                _ledger.Record(normalized.ToString(), Endpoint.Port, protocol, "answer in an internal range (DNS rebinding)", question.Name, "dns");
                continue;
            }

            _rules.Resolved.Record(question.Name, normalized);
            given.Add(address);
        }

        return DnsMessage.Answer(query, question, DnsMessage.NoError, given, (uint)ResolvedAddresses.AnswerTtl.TotalSeconds);
    }

    private void ServeUdp()
    {
        byte[] buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int length;
            try
            {
                length = _udp!.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException)
            {
                continue; // e.g. ECONNREFUSED left by an earlier answer to a closed socket
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            // A guest flooding queries gets some dropped (it retries), never an unbounded backlog of lookups.
            if (!_inFlight.Wait(0)) continue;
            byte[] query = buffer[..length];
            EndPoint client = from;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    if (Respond(query, "udp") is { } answer)
                    {
                        // Over UDP an answer is at most 512 bytes unless the client said more (EDNS); few addresses fit easily.
                        _udp!.SendTo(answer, client);
                    }
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                finally
                {
                    _inFlight.Release();
                }
            }, null);
        }
    }

    private void ServeTcp()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = _tcp!.Accept();
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!_inFlight.Wait(0))
            {
                connection.Dispose();
                continue;
            }

            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    using (connection) ServeConnection(connection);
                }
                finally
                {
                    _inFlight.Release();
                }
            }, null);
        }
    }

    /// <summary>Length-prefixed queries (RFC 1035 4.2.2) until the client closes or idles.</summary>
    private void ServeConnection(Socket connection)
    {
        connection.ReceiveTimeout = (int)TcpIdle.TotalMilliseconds;
        byte[] prefix = new byte[2];
        try
        {
            while (ReadExactly(connection, prefix))
            {
                byte[] query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                if (!ReadExactly(connection, query) || Respond(query, "tcp") is not { } answer) return;
                byte[] framed = new byte[answer.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                answer.CopyTo(framed, 2);
                connection.Send(framed);
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private static bool ReadExactly(Socket connection, byte[] buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = connection.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
            if (n == 0) return false;
            filled += n;
        }

        return true;
    }

    private static Socket Adopt(SafeFileHandle handle)
    {
        nint fd = handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>Stops serving and closes both sockets (the guest's namespace may then go away).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _udp?.Dispose();
        _tcp?.Dispose();
        _stop.Dispose();
    }
}
