using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// Answers every <c>connect</c> of a guest whose policy has an address allowlist. The guest lives in its own, empty network
/// namespace; an allowed destination is reached by a socket the supervisor opens and connects in the host's namespace and
/// installs over the guest's descriptor (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD); anything else is refused
/// with ECONNREFUSED and counted in the <see cref="NetworkLedger"/>.
/// </summary>
/// <remarks>
/// <para>The call is never let through for an IP socket (SECCOMP_USER_NOTIF_FLAG_CONTINUE would make the kernel re-read the
/// address the guest can rewrite, and the socket may be one installed here, living in the host's namespace). The address
/// is copied once, the notification re-validated (so its pid still names the caller and the copy came from it), and the
/// supervisor connects to the copy. Non-IP sockets (AF_UNIX) are let through: their family is fixed when they are made
/// and they cannot reach a network.</para>
/// <para>A socket already in the host's namespace (one installed earlier; told apart by SO_NETNS_COOKIE) is connected
/// here again only to an allowed destination, and never disconnected (AF_UNSPEC), which would leave the guest a host
/// socket free to bind and listen. With <c>--net loopback</c> a loopback destination no rule names is the guest's own
/// loopback: its own socket is connected in place, in its own namespace.</para>
/// <para>Connecting may block (a remote host), so it runs on a pool thread, which answers the call; the guest's thread
/// waits in connect meanwhile, as it would for a slow peer. The supervision loop never waits for it.</para>
/// </remarks>
internal sealed partial class ConnectProxy
{
    internal const int ConnectNumber = 42;
    internal const int SendToNumber = 44;
    internal const int BindNumber = 49;
    internal const int ListenNumber = 50;
    private const int IpProtoTcp = 6;
    private const int IpProtoUdp = 17;
    private const int Efault = 14;
    private const int Eisconn = 106;
    private const uint PidfdThread = 0x80; // O_EXCL

    private readonly DestinationCheck _allowlist;
    private readonly bool _guestLoopback;

    /// <summary>The allowlist has UDP rules: no socket call is ever let through (CONTINUE), every one is made here.</summary>
    private readonly bool _datagrams;
    private readonly ulong? _hostCookie;

    /// <summary>A proxy for <paramref name="network"/>'s rules, recording refusals in <paramref name="ledger"/>.</summary>
    /// <param name="network">The policy's network facet.</param>
    /// <param name="ledger">Where refusals are counted.</param>
    /// <param name="hostsFile">With host-name rules: the hosts file the name server trusts.</param>
    /// <param name="resolver">With host-name rules: the resolver after the hosts file (the host's by default).</param>
    internal ConnectProxy(NetworkPolicy network, NetworkLedger ledger, string hostsFile = "/etc/hosts", Func<string, System.Net.Sockets.AddressFamily, IPAddress[]>? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        _allowlist = new DestinationCheck(network, new ResolvedAddresses());
        _datagrams = network.Allowed.Any(r => r.Protocol == NetworkProtocol.Udp);
        _guestLoopback = network.Mode == NetworkMode.Loopback;
        Ledger = ledger;
        _hostCookie = HostNamespaceCookie();
        if (_allowlist.HasNames) NameServer = new DnsStub(_allowlist, new HostNameResolver(hostsFile, resolver), ledger);
    }

    /// <summary>Where refusals are counted.</summary>
    internal NetworkLedger Ledger { get; }

    /// <summary>With host-name rules: the sandbox's name server (started when the launcher's sockets arrive).</summary>
    internal DnsStub? NameServer { get; }

    /// <summary>Decides <paramref name="notification"/> (a connect) and answers it, now or from a pool thread.</summary>
    internal unsafe void Handle(SafeFileHandle listener, in Interop.Libc.SeccompNotification notification)
    {
        ulong id = notification.Id;
        int pid = (int)notification.Pid;
        Interop.Libc.SeccompData data = notification.Data;
        int guestFd = (int)data.Arguments[0];
        ulong addressPointer = data.Arguments[1];
        uint addressLength = (uint)data.Arguments[2];

        SafeFileHandle? socket = CopyGuestDescriptor(pid, guestFd, out int error);
        if (socket is null)
        {
            Answer(listener, id, error);
            return;
        }

        bool handedOff = false;
        try
        {
            // The pid named the caller when the call arrived; only now is it certain the descriptor came from it.
            if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
            int domain = SocketOption(socket, Interop.Libc.SoDomain);
            if (domain < 0)
            {
                Answer(listener, id, Marshal.GetLastPInvokeError());
                return;
            }

            if (domain is not (Interop.Libc.AfInet or Interop.Libc.AfInet6) && !_datagrams)
            {
                Continue(listener, id); // a unix socket: no network behind it, whatever address it is given
                return;
            }

            GuestSocketAddress? address = GuestSocketAddress.Copy(pid, addressPointer, addressLength);
            if (address is null)
            {
                Answer(listener, id, addressLength > 128 ? Interop.Errno.EINVAL : Efault);
                return;
            }

            if (domain is not (Interop.Libc.AfInet or Interop.Libc.AfInet6))
            {
                // With UDP rules nothing is let through (see ConnectProxy.Datagrams): the call is made here, on the checked socket.
                if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
                if (RefuseUnixPath(address, "connect") is { } refused)
                {
                    Answer(listener, id, refused);
                    return;
                }

                handedOff = true;
                ThreadPool.UnsafeQueueUserWorkItem(_ =>
                {
                    using (socket) Answer(listener, id, ConnectInPlace(socket, address));
                }, null);
                return;
            }

            if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
            // Unknown counts as the host's: the guest's own socket is then never connected in place.
            bool hostSocket = _hostCookie is not { } cookie || NamespaceCookie(socket) is not { } own || own == cookie;
            if (address.Family == GuestSocketAddress.AfUnspec)
            {
                // Disconnecting: harmless on the guest's own socket, refused on a host one.
                Answer(listener, id, hostSocket ? Interop.Errno.EOPNOTSUPP : ConnectInPlace(socket, address));
                return;
            }

            if (address.Endpoint() is not { } endpoint)
            {
                Answer(listener, id, address.Family is Interop.Libc.AfInet or Interop.Libc.AfInet6 ? Interop.Errno.EINVAL : Interop.Errno.EAFNOSUPPORT);
                return;
            }

            int type = SocketOption(socket, Interop.Libc.SoType), protocol = SocketOption(socket, Interop.Libc.SoProtocol);
            NetworkProtocol? transport = (type, protocol) switch
            {
                (Interop.Libc.SockStream, IpProtoTcp) => NetworkProtocol.Tcp,
                (Interop.Libc.SockDgram, IpProtoUdp) => NetworkProtocol.Udp,
                _ => null,
            };
            string protocolName = transport == NetworkProtocol.Udp ? "udp" : transport == NetworkProtocol.Tcp ? "tcp" : "other";
            // The name server lives in the guest's own namespace: its own socket is connected in place, never a host one.
            // A UDP connect only sets the peer, so it is answered right here; a TCP one may wait for the stub's backlog.
            if (NameServer is not null && transport is not null && !hostSocket && endpoint.Equals(DnsStub.Endpoint))
            {
                if (transport == NetworkProtocol.Udp)
                {
                    Answer(listener, id, ConnectInPlace(socket, address));
                    return;
                }

                handedOff = true;
                ThreadPool.UnsafeQueueUserWorkItem(_ =>
                {
                    using (socket) Answer(listener, id, ConnectInPlace(socket, address));
                }, null);
                return;
            }

            (string? refusal, string? host) = transport is { } t ? _allowlist.Check(endpoint.Address, endpoint.Port, t) : ("only tcp and udp are allowed", null);

            // A connected host UDP socket is safe to hand over only because every datagram send is the supervisor's then.
            if (refusal is null && transport == NetworkProtocol.Udp && !_datagrams) refusal = "udp is not proxied";
            if (refusal is null)
            {
                handedOff = true;
                ThreadPool.UnsafeQueueUserWorkItem(_ => ConnectFromHost(listener, id, pid, guestFd, socket, domain, type, protocol, address), null);
                return;
            }

            if (!hostSocket && _guestLoopback && IPAddress.IsLoopback(endpoint.Address))
            {
                handedOff = true;
                ThreadPool.UnsafeQueueUserWorkItem(_ =>
                {
                    using (socket) Answer(listener, id, ConnectInPlace(socket, address));
                }, null);
                return;
            }

            Ledger.Record(endpoint.Address.ToString(), endpoint.Port, protocolName, refusal, host, "connect");
            Answer(listener, id, Interop.Errno.ECONNREFUSED);
        }
        finally
        {
            if (!handedOff) socket.Dispose();
        }
    }

    /// <summary>Which of <see cref="SendToNumber"/>, <see cref="BindNumber"/> and <see cref="ListenNumber"/> the filter sends here (those the profile allows at all).</summary>
    internal ImmutableHashSet<int> SocketCalls { get; init; } = [];

    /// <summary>
    /// Decides a <c>sendto</c> with an address, a <c>bind</c> or a <c>listen</c>. On a unix socket each is let through. On the
    /// guest's own IP socket, which lives in its own namespace, it is let through where it can only reach that namespace
    /// (the name server, or anything with <c>--net loopback</c>); on a socket installed from the host's namespace, never.
    /// </summary>
    internal unsafe void HandleSocketCall(SafeFileHandle listener, in Interop.Libc.SeccompNotification notification)
    {
        ulong id = notification.Id;
        int pid = (int)notification.Pid;
        Interop.Libc.SeccompData data = notification.Data;
        int number = data.Number;
        if (_datagrams && number is SendToNumber or SendMsgNumber or SendMmsgNumber)
        {
            HandleSend(listener, notification);
            return;
        }

        using SafeFileHandle? socket = CopyGuestDescriptor(pid, (int)data.Arguments[0], out int error);
        if (socket is null)
        {
            Answer(listener, id, error);
            return;
        }

        if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
        int domain = SocketOption(socket, Interop.Libc.SoDomain);
        if (domain < 0)
        {
            Answer(listener, id, Marshal.GetLastPInvokeError());
            return;
        }

        if (domain is not (Interop.Libc.AfInet or Interop.Libc.AfInet6))
        {
            if (_datagrams) BindOrListenInPlace(listener, id, pid, socket, data, number, unix: true);
            else Continue(listener, id);
            return;
        }

        bool hostSocket = _hostCookie is not { } cookie || NamespaceCookie(socket) is not { } own || own == cookie;
        int type = SocketOption(socket, Interop.Libc.SoType);
        string protocolName = type == Interop.Libc.SockDgram ? "udp" : "tcp";
        // sendto(fd, buf, len, flags, addr, addrlen) and bind(fd, addr, addrlen): where the address is.
        (ulong pointer, uint length) = number == SendToNumber ? (data.Arguments[4], (uint)data.Arguments[5]) : (data.Arguments[1], (uint)data.Arguments[2]);
        IPEndPoint? endpoint = number == ListenNumber ? null : GuestSocketAddress.Copy(pid, pointer, length)?.Endpoint();
        if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
        string where = endpoint?.Address.ToString() ?? "";
        int port = endpoint?.Port ?? 0;

        if (number == SendToNumber)
        {
            if (endpoint is null)
            {
                Answer(listener, id, Interop.Errno.EINVAL);
                return;
            }

            // A host socket is a connected TCP socket whose destination was checked; it is never redirected.
            if (hostSocket)
            {
                Answer(listener, id, Eisconn);
                return;
            }

            bool ownNamespaceOnly = (NameServer is not null && endpoint.Equals(DnsStub.Endpoint)) || (_guestLoopback && IPAddress.IsLoopback(endpoint.Address));
            if (ownNamespaceOnly)
            {
                Continue(listener, id);
                return;
            }

            NetworkProtocol transport = protocolName == "udp" ? NetworkProtocol.Udp : NetworkProtocol.Tcp;
            (string? refusal, string? host) = _allowlist.Check(endpoint.Address, endpoint.Port, transport);
            Ledger.Record(where, port, protocolName, refusal ?? (transport == NetworkProtocol.Udp ? "udp is not proxied" : "sendto with an address is not proxied; connect first"), host, "sendto");
            Answer(listener, id, Interop.Errno.EACCES);
            return;
        }

        if (!hostSocket && _guestLoopback)
        {
            if (_datagrams) BindOrListenInPlace(listener, id, pid, socket, data, number, unix: false);
            else Continue(listener, id);
            return;
        }

        Ledger.Record(where, port, protocolName, hostSocket ? "a socket to the host's network cannot listen" : "listening needs --net loopback", null, number == BindNumber ? "bind" : "listen");
        Answer(listener, id, Interop.Errno.EACCES);
    }

    /// <summary>Opens a socket like the guest's in the host's namespace, connects it to the copied address and installs it over the guest's descriptor.</summary>
    private static void ConnectFromHost(SafeFileHandle listener, ulong id, int pid, int guestFd, SafeFileHandle guestSocket, int domain, int type, int protocol,
        GuestSocketAddress address)
    {
        using (guestSocket)
        {
            (SafeFileHandle? host, int error) = InstallHostSocket(listener, id, pid, guestFd, guestSocket, domain, type, protocol, address);
            host?.Dispose();
            if (host is not null || error != 0) Answer(listener, id, error);
        }
    }

    /// <summary>
    /// Opens a socket like the guest's in the host's namespace, connects it to <paramref name="connectTo"/> (unless null: an
    /// unconnected UDP socket the supervisor sends on) and installs it over the guest's descriptor. The supervisor's handle
    /// on it, or null with the errno to answer (0: the run is over, answer nothing).
    /// </summary>
    private static unsafe (SafeFileHandle? Host, int Error) InstallHostSocket(SafeFileHandle listener, ulong id, int pid, int guestFd, SafeFileHandle guestSocket,
        int domain, int type, int protocol, GuestSocketAddress? connectTo)
    {
        int fd = Interop.Libc.Socket(domain, type | Interop.Libc.SockCloexec, protocol);
        if (fd < 0) return (null, Marshal.GetLastPInvokeError());
        var hostSocket = new SafeFileHandle(fd, ownsHandle: true);
        if (connectTo is not null)
        {
            int result;
            fixed (byte* p = connectTo.Bytes) result = Interop.Libc.Connect(fd, p, (uint)connectTo.Bytes.Length);
            if (result != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                hostSocket.Dispose();
                return (null, error);
            }
        }

        // The guest's descriptor flags: O_NONBLOCK lives on the file (set it on the new one), close-on-exec on the number.
        int statusFlags = Interop.Libc.FcntlInt(guestSocket, Interop.Libc.FGetFl, 0);
        if (statusFlags >= 0 && (statusFlags & Interop.Libc.ONonBlock) != 0) _ = Interop.Libc.SetNonBlockingFlag(hostSocket);
        var addFd = new Interop.Libc.SeccompNotificationAddFd
        {
            Id = id,
            Flags = Interop.Libc.SeccompAddFdFlagSetFd,
            SourceFd = (uint)fd,
            NewFd = (uint)guestFd,
            NewFdFlags = CloseOnExec(pid, guestFd) ? (uint)Interop.Libc.OCloExec : 0,
        };
        try
        {
            if (Interop.Libc.SeccompNotifyAddFd(listener, &addFd) >= 0) return (hostSocket, 0);
            int error = Marshal.GetLastPInvokeError();
            hostSocket.Dispose();
            return (null, error);
        }
        catch (ObjectDisposedException)
        {
            hostSocket.Dispose();
            return (null, 0); // the run is over
        }
    }

    /// <summary>connect(2) on the supervisor's copy of the guest's own socket (in the guest's namespace); the errno, or 0.</summary>
    private static unsafe int ConnectInPlace(SafeFileHandle socket, GuestSocketAddress address)
    {
        using var held = new Interop.HeldDescriptor(socket);
        fixed (byte* p = address.Bytes) return Interop.Libc.Connect(held.Number, p, (uint)address.Bytes.Length) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The supervisor's copy of descriptor <paramref name="fd"/> of <paramref name="pid"/>, or null with the errno connect would give.</summary>
    private static SafeFileHandle? CopyGuestDescriptor(int pid, int fd, out int error)
    {
        error = 0;
        // The notification names the calling thread. PIDFD_THREAD (Linux 6.9+) opens a thread; before it only a thread-group
        // leader opens, so a call from another thread is traced to its process through /proc.
        int pidfd = Interop.Libc.PidfdOpen(pid, PidfdThread);
        if (pidfd < 0 && Marshal.GetLastPInvokeError() == Interop.Errno.EINVAL) pidfd = Interop.Libc.PidfdOpen(ThreadGroupOf(pid), 0);
        if (pidfd < 0)
        {
            error = Marshal.GetLastPInvokeError();
            return null;
        }

        using var process = new SafeFileHandle(pidfd, ownsHandle: true);
        int copy = Interop.Libc.PidfdGetfd(pidfd, fd, 0);
        if (copy < 0)
        {
            error = Marshal.GetLastPInvokeError();
            return null;
        }

        return new SafeFileHandle(copy, ownsHandle: true);
    }

    /// <summary>The process (thread group) of thread <paramref name="tid"/> (the <c>Tgid:</c> line of /proc/TID/status), or the tid itself.</summary>
    private static int ThreadGroupOf(int tid)
    {
        try
        {
            foreach (string line in File.ReadLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{tid}/status")))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int tgid)) return tgid;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return tid;
    }

    /// <summary>Whether the guest's descriptor number is close-on-exec (the <c>flags:</c> line of /proc/PID/fdinfo/FD, octal).</summary>
    private static bool CloseOnExec(int pid, int fd)
    {
        try
        {
            foreach (string line in File.ReadLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fdinfo/{fd}")))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                {
                    return (Convert.ToInt64(line[6..].Trim(), 8) & Interop.Libc.OCloExec) != 0;
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }

    private static unsafe int SocketOption(SafeFileHandle socket, int name)
    {
        using var held = new Interop.HeldDescriptor(socket);
        int value = 0;
        uint length = sizeof(int);
        return Interop.Libc.Getsockopt(held.Number, Interop.Libc.SolSocket, name, &value, &length) == 0 ? value : -1;
    }

    private static unsafe ulong? NamespaceCookie(SafeFileHandle socket)
    {
        using var held = new Interop.HeldDescriptor(socket);
        ulong value = 0;
        uint length = sizeof(ulong);
        return Interop.Libc.Getsockopt(held.Number, Interop.Libc.SolSocket, Interop.Libc.SoNetnsCookie, &value, &length) == 0 ? value : null;
    }

    /// <summary>The supervisor's own network namespace, named by a throwaway socket's SO_NETNS_COOKIE; null before Linux 5.14.</summary>
    private static ulong? HostNamespaceCookie()
    {
        int fd = Interop.Libc.Socket(Interop.Libc.AfInet, Interop.Libc.SockDgram | Interop.Libc.SockCloexec, 0);
        if (fd < 0) return null;
        using var socket = new SafeFileHandle(fd, ownsHandle: true);
        return NamespaceCookie(socket);
    }

    private static void Continue(SafeFileHandle listener, ulong id) => Send(listener, id, 0, Interop.Libc.SeccompUserNotifFlagContinue);

    private static void Answer(SafeFileHandle listener, ulong id, int errno) => Send(listener, id, -errno, 0);

    /// <summary>Answers a call the supervisor carried out: it returns <paramref name="value"/>.</summary>
    private static void AnswerValue(SafeFileHandle listener, ulong id, long value) => Send(listener, id, 0, 0, value);

    private static unsafe void Send(SafeFileHandle listener, ulong id, int error, uint flags, long value = 0)
    {
        var response = new Interop.Libc.SeccompNotificationResponse { Id = id, Value = value, Error = error, Flags = flags };
        try
        {
            // ENOENT: the caller died or a signal interrupted the call meanwhile; the call is over either way.
            _ = Interop.Libc.SeccompNotifySend(listener, &response);
        }
        catch (ObjectDisposedException)
        {
            // The run is over and the listener closed: the caller is gone with it.
        }
    }
}
