using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int MsgCtrunc = 0x8;
        internal const int MsgDontwait = 0x40;
        internal const int MsgCmsgCloexec = 0x40000000;
        internal const int SolSocket = 1;
        internal const int ScmRights = 1;
        private const int EbadMsg = 74;

        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct IoVector
        {
            internal void* Base;
            internal nuint Length;
        }

        /// <summary><c>struct msghdr</c> (x86-64 / LP64 layout).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct MessageHeader
        {
            internal void* Name;
            internal uint NameLength;
            internal IoVector* Iov;
            internal nuint IovLength;
            internal void* Control;
            internal nuint ControlLength;
            internal int Flags;
        }

        /// <summary><c>struct cmsghdr</c>; the payload follows at offset 16.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct ControlMessageHeader
        {
            internal nuint Length;
            internal int Level;
            internal int Type;
        }

        /// <summary><c>recvmsg(2)</c>. Bytes received, 0 at end of stream, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "recvmsg", SetLastError = true)]
        internal static unsafe partial nint Recvmsg(SafeHandle socket, MessageHeader* message, int flags);

        /// <summary>
        /// Receives one descriptor passed with <c>SCM_RIGHTS</c> (the launcher's seccomp listener), without blocking.
        /// The new descriptor is close-on-exec (<c>MSG_CMSG_CLOEXEC</c>), so no child inherits it.
        /// </summary>
        /// <returns>
        /// The descriptor; or an invalid handle with <see cref="Marshal.GetLastPInvokeError"/> set to: EAGAIN (nothing sent yet),
        /// 0 (the peer closed its end without sending: no descriptor will come), EBADMSG (a message without exactly one
        /// descriptor; anything received with it is closed), or recvmsg's own errno.
        /// </returns>
        internal static SafeFileHandle ReceiveFd(SafeHandle unixSocket)
            => ReceiveFds(unixSocket, 1) is [SafeFileHandle one] ? one : new SafeFileHandle();

        /// <summary>
        /// Receives exactly <paramref name="count"/> (1-3) descriptors passed in one <c>SCM_RIGHTS</c> message, without
        /// blocking, each close-on-exec; or an empty array with the errno as <see cref="ReceiveFd"/> sets it (EBADMSG for
        /// any other number of descriptors, all of which are closed).
        /// </summary>
        internal static unsafe SafeFileHandle[] ReceiveFds(SafeHandle unixSocket, int count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 3);
            const int headerSize = 16; // sizeof(struct cmsghdr); CMSG_DATA follows
            // Room for one descriptor more than expected: an extra one (a misbehaving sender) then arrives intact and is
            // closed here, where an exact buffer would only set MSG_CTRUNC.
            const int controlSize = headerSize + 4 * sizeof(int);
            byte payload;
            byte* control = stackalloc byte[controlSize];
            new Span<byte>(control, controlSize).Clear();
            IoVector iov = new() { Base = &payload, Length = 1 };
            MessageHeader message = new() { Iov = &iov, IovLength = 1, Control = control, ControlLength = controlSize };

            nint received = Recvmsg(unixSocket, &message, MsgCmsgCloexec | MsgDontwait);
            if (received < 0)
            {
                return [];
            }

            var header = (ControlMessageHeader*)control;
            int descriptors = 0;
            if (message.ControlLength >= headerSize && header->Level == SolSocket && header->Type == ScmRights)
            {
                nuint length = Math.Min(header->Length, (nuint)controlSize);
                descriptors = length > headerSize ? (int)((length - headerSize) / sizeof(int)) : 0;
            }

            // Own everything that arrived, so nothing leaks on the failure paths.
            var handles = new SafeFileHandle[descriptors];
            for (int i = 0; i < descriptors; i++)
            {
                handles[i] = new SafeFileHandle(((int*)(control + headerSize))[i], ownsHandle: true);
            }

            if (descriptors == count && (message.Flags & MsgCtrunc) == 0)
            {
                return handles;
            }

            foreach (SafeFileHandle handle in handles) handle.Dispose();
            Marshal.SetLastPInvokeError(received == 0 && message.ControlLength == 0 ? 0 : EbadMsg);
            return [];
        }
    }
}
