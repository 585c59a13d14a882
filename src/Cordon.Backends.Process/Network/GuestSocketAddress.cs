using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// A <c>struct sockaddr</c> copied once out of the guest's memory. The supervisor decides on, and connects to, this copy
/// only, so a guest thread rewriting its buffer after the copy changes nothing.
/// </summary>
internal sealed class GuestSocketAddress
{
    internal const ushort AfUnspec = 0;
    internal const ushort AfUnix = 1;
    private const int MaxLength = 128; // sizeof(struct sockaddr_storage)

    private GuestSocketAddress(byte[] bytes) => Bytes = bytes;

    /// <summary>The bytes as copied (what the supervisor passes to its own connect).</summary>
    internal byte[] Bytes { get; }

    /// <summary><c>sa_family</c>.</summary>
    internal ushort Family => BinaryPrimitives.ReadUInt16LittleEndian(Bytes);

    /// <summary>Copies <paramref name="length"/> bytes at <paramref name="address"/> of process <paramref name="pid"/>; null when unreadable or malformed.</summary>
    internal static unsafe GuestSocketAddress? Copy(int pid, ulong address, uint length)
    {
        if (length < 2 || length > MaxLength) return null;
        using SafeFileHandle memory = Interop.Libc.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/mem"), Interop.Libc.ORdOnly | Interop.Libc.OCloExec, 0);
        if (memory.IsInvalid) return null;
        byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < bytes.Length)
        {
            nint n;
            fixed (byte* p = &bytes[filled]) n = Interop.Libc.PRead(memory, p, (nuint)(bytes.Length - filled), (long)(address + (ulong)filled));
            if (n <= 0) return null;
            filled += (int)n;
        }

        return new GuestSocketAddress(bytes);
    }

    /// <summary>An address already copied (from a <c>msghdr</c>'s name); null when shorter than its family field or longer than a sockaddr_storage.</summary>
    internal static GuestSocketAddress? FromCopy(byte[] bytes) => bytes.Length is >= 2 and <= MaxLength ? new GuestSocketAddress(bytes) : null;

    /// <summary>Whether this is an AF_UNIX address naming a filesystem path (not an abstract name, not unnamed).</summary>
    internal bool IsUnixPath => Family == AfUnix && Bytes.Length > 2 && Bytes[2] != 0;

    /// <summary>The path of an AF_UNIX address, for a refusal's message.</summary>
    internal string UnixPath => System.Text.Encoding.UTF8.GetString(Bytes.AsSpan(2).TrimEnd((byte)0));

    /// <summary>The IP endpoint for AF_INET / AF_INET6 (an IPv4-mapped IPv6 address as IPv4), or null for another family or a short address.</summary>
    internal IPEndPoint? Endpoint()
    {
        ReadOnlySpan<byte> b = Bytes;
        int port = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        switch (Family)
        {
            case Interop.Libc.AfInet when b.Length >= 16:
                return new IPEndPoint(new IPAddress(b.Slice(4, 4)), port);
            case Interop.Libc.AfInet6 when b.Length >= 24:
                var address = new IPAddress(b.Slice(8, 16));
                return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
            default:
                return null;
        }
    }
}
