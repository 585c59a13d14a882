using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// UDP rules. A UDP socket in the host's namespace sends wherever the address of a <c>sendto</c>, <c>sendmsg</c> or
/// <c>sendmmsg</c> points, and the address of the last two sits behind a pointer no seccomp filter can read. So with a UDP
/// rule every one of those calls comes here, and the supervisor makes it itself, from copies: the address, the payload
/// (at most 64 KiB; a stream send is cut short there, a larger datagram fails with EMSGSIZE) and the ancillary data are read
/// once out of the guest's memory and sent on the supervisor's own handle to the guest's socket (pidfd_getfd), so a guest
/// thread rewriting any of them, or moving another socket onto the descriptor number, changes nothing. A datagram to an
/// allowed destination from a socket still in the guest's namespace first replaces that socket with an unconnected one
/// of the host's (SECCOMP_IOCTL_NOTIF_ADDFD + SETFD), as a connect does, which then receives the replies.
/// </summary>
/// <remarks>
/// Nothing is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE) while UDP rules are in force, not even on a unix socket: the
/// kernel would look the descriptor up again, and another guest thread could have put a host UDP socket there meanwhile.
/// Calls on unix sockets are therefore made here too, except where they name a filesystem path, which the supervisor
/// would resolve in its own view of the filesystem rather than the guest's: those are refused and named.
/// </remarks>
internal sealed partial class ConnectProxy
{
    internal const int SendMsgNumber = 46;
    internal const int SendMmsgNumber = 307;
    private const int MaxPayload = 64 * 1024;
    private const int MaxIovecs = 1024; // UIO_MAXIOV, as the kernel bounds it
    private const int MaxControl = 4096;
    private const int MaxMessages = 64; // sendmmsg may send fewer than asked; the caller sends the rest again
    private const int MessageHeaderSize = 56; // struct msghdr, x86-64
    private const int MultiMessageSize = 64; // struct mmsghdr: msghdr, then unsigned msg_len
    private const int Emsgsize = 90;
    private const int Enobufs = 105;
    private const int Ebadf = 9;
    private const int Eagain = 11;
    private const int Eintr = 4;
    private const int MsgNosignal = 0x4000;

    /// <summary>One send the guest asked for, copied out of its memory once.</summary>
    private sealed record CopiedSend(byte[] Payload, GuestSocketAddress? Name, byte[]? Control, int Flags);

    /// <summary>Makes a <c>sendto</c> with an address, a <c>sendmsg</c> or a <c>sendmmsg</c> from copies (UDP rules only).</summary>
    private void HandleSend(SafeFileHandle listener, in Interop.Libc.SeccompNotification notification)
    {
        ulong id = notification.Id;
        int pid = (int)notification.Pid;
        Interop.Libc.SeccompData data = notification.Data;
        int number = data.Number;
        int guestFd;
        ulong vector = 0;
        unsafe
        {
            guestFd = (int)data.Arguments[0];
            vector = data.Arguments[1];
        }

        SafeFileHandle? socket = CopyGuestDescriptor(pid, guestFd, out int error);
        if (socket is null)
        {
            Answer(listener, id, error);
            return;
        }

        bool handedOff = false;
        GuestMemory? memory = null;
        try
        {
            if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
            int domain = SocketOption(socket, Interop.Libc.SoDomain);
            int type = SocketOption(socket, Interop.Libc.SoType), protocol = SocketOption(socket, Interop.Libc.SoProtocol);
            if (domain < 0 || type < 0)
            {
                Answer(listener, id, Marshal.GetLastPInvokeError());
                return;
            }

            memory = GuestMemory.Open(pid, writable: number == SendMmsgNumber);
            if (memory is null)
            {
                Answer(listener, id, Efault);
                return;
            }

            bool datagram = type == Interop.Libc.SockDgram;
            List<CopiedSend> sends = [];
            unsafe
            {
                if (number == SendToNumber)
                {
                    (CopiedSend? one, error) = CopyBuffer(memory, data.Arguments[1], data.Arguments[2], (int)data.Arguments[3], data.Arguments[4], data.Arguments[5], datagram);
                    if (one is not null) sends.Add(one);
                }
                else if (number == SendMsgNumber)
                {
                    (CopiedSend? one, error) = CopyMessage(memory, data.Arguments[1], (int)data.Arguments[2], datagram);
                    if (one is not null) sends.Add(one);
                }
                else
                {
                    uint count = Math.Min((uint)data.Arguments[2], MaxMessages);
                    for (uint i = 0; i < count; i++)
                    {
                        (CopiedSend? one, int e) = CopyMessage(memory, vector + (i * MultiMessageSize), (int)data.Arguments[3], datagram);
                        if (one is null)
                        {
                            if (i == 0) error = e;
                            break;
                        }

                        sends.Add(one);
                    }
                }
            }

            if (sends.Count == 0)
            {
                Answer(listener, id, error == 0 ? Interop.Errno.EINVAL : error);
                return;
            }

            // The copies came from the caller only if it is still the one waiting.
            if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
            bool hostSocket = _hostCookie is not { } cookie || NamespaceCookie(socket) is not { } own || own == cookie;
            handedOff = true;
            GuestMemory owned = memory;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                using (owned) Send(listener, id, pid, guestFd, socket, domain, type, protocol, hostSocket, number, vector, sends, owned);
            }, null);
        }
        finally
        {
            if (!handedOff)
            {
                socket.Dispose();
                memory?.Dispose();
            }
        }
    }

    /// <summary>Makes the copied sends in order (on a pool thread: a send may wait for room) and answers the call.</summary>
    private void Send(SafeFileHandle listener, ulong id, int pid, int guestFd, SafeFileHandle socket, int domain, int type, int protocol, bool hostSocket,
        int number, ulong vector, List<CopiedSend> sends, GuestMemory memory)
    {
        string via = number switch { SendToNumber => "sendto", SendMsgNumber => "sendmsg", _ => "sendmmsg" };
        SafeFileHandle current = socket;
        Span<byte> length = stackalloc byte[4];
        try
        {
            long sent = 0;
            for (int i = 0; i < sends.Count; i++)
            {
                (long result, SafeFileHandle? installed) = SendOne(listener, id, pid, guestFd, current, domain, type, protocol, hostSocket, sends[i], via);
                if (installed is not null)
                {
                    current.Dispose();
                    current = installed;
                    hostSocket = true;
                }

                if (result < 0)
                {
                    if (i == 0) Answer(listener, id, (int)-result);
                    else AnswerValue(listener, id, i);
                    return;
                }

                if (number == SendMmsgNumber)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)result);
                    if (!memory.Write(vector + ((ulong)i * MultiMessageSize) + MessageHeaderSize, length))
                    {
                        if (i == 0) Answer(listener, id, Efault);
                        else AnswerValue(listener, id, i);
                        return;
                    }

                    sent = i + 1;
                }
                else
                {
                    sent = result;
                }
            }

            AnswerValue(listener, id, sent);
        }
        finally
        {
            current.Dispose();
        }
    }

    /// <summary>Decides and makes one send: the bytes sent or a negative errno, and a host socket installed for it, if one was.</summary>
    private (long Result, SafeFileHandle? Installed) SendOne(SafeFileHandle listener, ulong id, int pid, int guestFd, SafeFileHandle socket, int domain, int type,
        int protocol, bool hostSocket, CopiedSend send, string via)
    {
        if (domain is not (Interop.Libc.AfInet or Interop.Libc.AfInet6))
        {
            if (send.Name is not null && RefuseUnixPath(send.Name, via) is { } refused) return (-refused, null);
            return (Perform(listener, id, pid, socket, send, unix: domain == GuestSocketAddress.AfUnix), null);
        }

        // No address: the connected peer, checked when it was connected (or the kernel's own EDESTADDRREQ).
        if (send.Name is null) return (Perform(listener, id, pid, socket, send with { Control = hostSocket ? null : send.Control }, unix: false), null);
        if (send.Name.Endpoint() is not { } endpoint)
            return (-(send.Name.Family == GuestSocketAddress.AfUnspec ? Interop.Errno.EINVAL : Interop.Errno.EAFNOSUPPORT), null);

        // A stream socket ignores the address once connected; a host one always is, a guest one can only reach its namespace.
        if (type != Interop.Libc.SockDgram)
            return (Perform(listener, id, pid, socket, hostSocket ? send with { Name = null, Control = null } : send, unix: false), null);

        if (!hostSocket && ((NameServer is not null && endpoint.Equals(DnsStub.Endpoint)) || (_guestLoopback && IPAddress.IsLoopback(endpoint.Address))))
            return (Perform(listener, id, pid, socket, send, unix: false), null);

        (string? refusal, string? host) = protocol == IpProtoUdp
            ? _allowlist.Check(endpoint.Address, endpoint.Port, NetworkProtocol.Udp)
            : ("only tcp and udp are allowed", null);
        if (refusal is null && hostSocket && send.Control is not null) refusal = "ancillary data is not carried on a socket of the host's";
        if (refusal is not null)
        {
            Ledger.Record(endpoint.Address.ToString(), endpoint.Port, protocol == IpProtoUdp ? "udp" : "other", refusal, host, via);
            return (-Interop.Errno.EACCES, null);
        }

        if (hostSocket) return (Perform(listener, id, pid, socket, send, unix: false), null);
        (SafeFileHandle? installed, int error) = InstallHostSocket(listener, id, pid, guestFd, socket, domain, type, protocol, connectTo: null);
        if (installed is null) return (-(error == 0 ? Eintr : error), null);
        return (Perform(listener, id, pid, installed, send with { Control = null }, unix: false), installed);
    }

    /// <summary>sendmsg(2) of a copy on the supervisor's handle, waiting for room as the guest's own call would (unless it asked not to).</summary>
    private static unsafe long Perform(SafeFileHandle listener, ulong id, int pid, SafeFileHandle socket, CopiedSend send, bool unix)
    {
        List<SafeFileHandle> passed = [];
        try
        {
            byte[]? control = send.Control is null ? null : unix ? TranslateRights(pid, send.Control, passed, out int badFd) : send.Control;
            if (send.Control is not null && control is null) return -Ebadf;
            int statusFlags = Interop.Libc.FcntlInt(socket, Interop.Libc.FGetFl, 0);
            bool nonBlocking = (send.Flags & Interop.Libc.MsgDontwait) != 0 || (statusFlags >= 0 && (statusFlags & Interop.Libc.ONonBlock) != 0);
            using var held = new Interop.HeldDescriptor(socket);
            fixed (byte* payload = send.Payload)
            fixed (byte* name = send.Name?.Bytes)
            fixed (byte* ancillary = control)
            {
                var iov = new Interop.Libc.IoVector { Base = payload, Length = (nuint)send.Payload.Length };
                var message = new Interop.Libc.MessageHeader
                {
                    Name = name,
                    NameLength = (uint)(send.Name?.Bytes.Length ?? 0),
                    Iov = &iov,
                    IovLength = 1,
                    Control = ancillary,
                    ControlLength = (nuint)(control?.Length ?? 0),
                };
                // MSG_NOSIGNAL: a broken pipe is the guest's EPIPE, never a SIGPIPE in the supervisor.
                int flags = send.Flags | Interop.Libc.MsgDontwait | MsgNosignal;
                while (true)
                {
                    nint n = Interop.Libc.Sendmsg(held.Number, &message, flags);
                    if (n >= 0) return n;
                    int error = Marshal.GetLastPInvokeError();
                    if (error == Eintr) continue;
                    if (error != Eagain || nonBlocking) return -error;
                    _ = Interop.Libc.PollSingle(socket, Interop.Libc.PollOut, 100);
                    if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return -Eintr; // the caller gave up (a signal, or it died)
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return -Eintr; // the run is over
        }
        finally
        {
            foreach (SafeFileHandle handle in passed) handle.Dispose();
        }
    }

    /// <summary>
    /// A copy of ancillary data with each descriptor passed in SCM_RIGHTS (a number in the guest's table) replaced by the
    /// supervisor's copy of it (<paramref name="passed"/>, closed after the send); null when one is not open in the guest.
    /// </summary>
    private static byte[]? TranslateRights(int pid, byte[] control, List<SafeFileHandle> passed, out int badFd)
    {
        badFd = -1;
        byte[] copy = [.. control];
        const int headerSize = 16; // struct cmsghdr: size_t len, int level, int type
        int offset = 0;
        while (offset + headerSize <= copy.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(copy.AsSpan(offset));
            if (length < headerSize || length > (ulong)(copy.Length - offset)) break;
            int level = BinaryPrimitives.ReadInt32LittleEndian(copy.AsSpan(offset + 8));
            int kind = BinaryPrimitives.ReadInt32LittleEndian(copy.AsSpan(offset + 12));
            if (level == Interop.Libc.SolSocket && kind == Interop.Libc.ScmRights)
            {
                for (int at = offset + headerSize; at + 4 <= offset + (int)length; at += 4)
                {
                    int fd = BinaryPrimitives.ReadInt32LittleEndian(copy.AsSpan(at));
                    SafeFileHandle? mine = CopyGuestDescriptor(pid, fd, out _);
                    if (mine is null)
                    {
                        badFd = fd;
                        return null;
                    }

                    passed.Add(mine);
                    BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), (int)mine.DangerousGetHandle());
                }
            }

            offset += (int)((length + 7) & ~7UL);
        }

        return copy;
    }

    /// <summary>Copies a <c>sendto</c>'s buffer and address.</summary>
    private static (CopiedSend? Send, int Error) CopyBuffer(GuestMemory memory, ulong buffer, ulong length, int flags, ulong address, ulong addressLength, bool datagram)
    {
        if (datagram && length > MaxPayload) return (null, Emsgsize);
        byte[]? payload = length == 0 ? [] : memory.Read(buffer, (int)Math.Min(length, MaxPayload));
        if (payload is null) return (null, Efault);
        (GuestSocketAddress? name, int error) = CopyName(memory, address, addressLength);
        return error != 0 ? (null, error) : (new CopiedSend(payload, name, null, flags), 0);
    }

    /// <summary>Copies a <c>struct msghdr</c> and everything it points to (the iovecs gathered into one buffer).</summary>
    private static (CopiedSend? Send, int Error) CopyMessage(GuestMemory memory, ulong header, int flags, bool datagram)
    {
        byte[]? h = memory.Read(header, MessageHeaderSize);
        if (h is null) return (null, Efault);
        ulong namePointer = BinaryPrimitives.ReadUInt64LittleEndian(h), nameLength = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(8));
        ulong iovPointer = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(16)), iovCount = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(24));
        ulong controlPointer = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(32)), controlLength = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(40));
        if (iovCount > MaxIovecs) return (null, Emsgsize);
        (GuestSocketAddress? name, int error) = CopyName(memory, namePointer, nameLength);
        if (error != 0) return (null, error);

        byte[]? vectors = iovCount == 0 ? [] : memory.Read(iovPointer, (int)iovCount * 16);
        if (vectors is null) return (null, Efault);
        using var payload = new MemoryStream();
        for (int i = 0; i < (int)iovCount && payload.Length < MaxPayload; i++)
        {
            ulong iovBase = BinaryPrimitives.ReadUInt64LittleEndian(vectors.AsSpan(i * 16)), iovLength = BinaryPrimitives.ReadUInt64LittleEndian(vectors.AsSpan((i * 16) + 8));
            if (datagram && (ulong)payload.Length + iovLength > MaxPayload) return (null, Emsgsize);
            int take = (int)Math.Min(iovLength, (ulong)(MaxPayload - payload.Length));
            if (take == 0) continue;
            byte[]? part = memory.Read(iovBase, take);
            if (part is null) return (null, Efault);
            payload.Write(part);
        }

        byte[]? control = null;
        if (controlPointer != 0 && controlLength > 0)
        {
            if (controlLength > MaxControl) return (null, Enobufs);
            control = memory.Read(controlPointer, (int)controlLength);
            if (control is null) return (null, Efault);
        }

        return (new CopiedSend(payload.ToArray(), name, control, flags), 0);
    }

    /// <summary>Copies a destination address; none for a null pointer or a zero length, as the kernel reads it.</summary>
    private static (GuestSocketAddress? Name, int Error) CopyName(GuestMemory memory, ulong pointer, ulong length)
    {
        if (pointer == 0 || length == 0) return (null, 0);
        if (length is < 2 or > 128) return (null, Interop.Errno.EINVAL);
        byte[]? bytes = memory.Read(pointer, (int)length);
        return bytes is null ? (null, Efault) : (GuestSocketAddress.FromCopy(bytes), 0);
    }

    /// <summary>EACCES (and a named refusal) for a unix address that names a filesystem path; null for any other address.</summary>
    private int? RefuseUnixPath(GuestSocketAddress address, string via)
    {
        if (!address.IsUnixPath) return null;
        Ledger.Record(address.UnixPath, 0, "unix", "a unix socket path cannot be reached while a udp rule is in force", null, via);
        return Interop.Errno.EACCES;
    }

    /// <summary>bind(2) or listen(2) on the supervisor's copy of a socket that stays in the guest's namespace (UDP rules: never let through).</summary>
    private unsafe void BindOrListenInPlace(SafeFileHandle listener, ulong id, int pid, SafeFileHandle socket, Interop.Libc.SeccompData data, int number, bool unix)
    {
        using var held = new Interop.HeldDescriptor(socket);
        if (number == ListenNumber)
        {
            Answer(listener, id, Interop.Libc.Listen(held.Number, (int)data.Arguments[1]) == 0 ? 0 : Marshal.GetLastPInvokeError());
            return;
        }

        GuestSocketAddress? address = GuestSocketAddress.Copy(pid, data.Arguments[1], (uint)data.Arguments[2]);
        if (Interop.Libc.SeccompNotifyIdValid(listener, id) != 0) return;
        if (address is null)
        {
            Answer(listener, id, (uint)data.Arguments[2] > 128 ? Interop.Errno.EINVAL : Efault);
            return;
        }

        if (unix && RefuseUnixPath(address, "bind") is { } refused)
        {
            Answer(listener, id, refused);
            return;
        }

        fixed (byte* p = address.Bytes) Answer(listener, id, Interop.Libc.Bind(held.Number, p, (uint)address.Bytes.Length) == 0 ? 0 : Marshal.GetLastPInvokeError());
    }
}
