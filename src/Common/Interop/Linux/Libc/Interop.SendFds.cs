using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int MsgNosignal = 0x4000;

        /// <summary>
        /// Sends the byte <paramref name="tag"/> with <paramref name="descriptors"/> (at most 253, the kernel's
        /// <c>SCM_MAX_FD</c>) in one <c>SCM_RIGHTS</c> message; blocking, without SIGPIPE. 0, or the errno.
        /// </summary>
        internal static unsafe int SendFds(SafeHandle unixSocket, byte tag, ReadOnlySpan<int> descriptors)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(descriptors.Length, 253);
            const int headerSize = 16; // sizeof(struct cmsghdr); CMSG_DATA follows
            int dataSize = descriptors.Length * sizeof(int);
            int controlSize = headerSize + ((dataSize + 7) & ~7); // CMSG_SPACE
            byte* control = stackalloc byte[controlSize];
            new Span<byte>(control, controlSize).Clear();
            var header = (ControlMessageHeader*)control;
            header->Length = (nuint)(headerSize + dataSize); // CMSG_LEN
            header->Level = SolSocket;
            header->Type = ScmRights;
            descriptors.CopyTo(new Span<int>(control + headerSize, descriptors.Length));
            byte payload = tag;
            IoVector iov = new() { Base = &payload, Length = 1 };
            MessageHeader message = new() { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
            bool added = false;
            try
            {
                unixSocket.DangerousAddRef(ref added);
                int fd = (int)unixSocket.DangerousGetHandle();
                while (true)
                {
                    nint sent = Sendmsg(fd, &message, MsgNosignal);
                    if (sent == 1) return 0;
                    int errno = Marshal.GetLastPInvokeError();
                    if (sent < 0 && errno == Errno.EINTR) continue;
                    return sent < 0 ? errno : 5; // EIO: a short send cannot happen for one byte
                }
            }
            finally
            {
                if (added) unixSocket.DangerousRelease();
            }
        }
    }
}
