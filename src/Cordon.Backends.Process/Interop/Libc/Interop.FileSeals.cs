using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int FAddSeals = 1033;
        internal const int FGetSeals = 1034;
        internal const int FSealSeal = 0x1;
        internal const int FSealShrink = 0x2;
        internal const int FSealGrow = 0x4;
        internal const int FSealWrite = 0x8;

        /// <summary><c>fcntl(fd, F_ADD_SEALS, seals)</c> on a memfd (see <c>memfd_create(2)</c>). 0, or -1 + errno.</summary>
        internal static int AddSeals(SafeHandle memfd, int seals) => WithFd(memfd, fd => FcntlInt(fd, FAddSeals, seals));

        /// <summary><c>fcntl(fd, F_GET_SEALS)</c>: the seals in force, or -1 + errno.</summary>
        internal static int GetSeals(SafeHandle memfd) => WithFd(memfd, fd => FcntlInt(fd, FGetSeals, 0));

        /// <summary>Makes <paramref name="handle"/> non-blocking (<c>O_NONBLOCK</c>). 0, or -1 + errno.</summary>
        internal static int SetNonBlockingFlag(SafeHandle handle) => WithFd(handle, fd =>
        {
            int flags = FcntlInt(fd, FGetFl, 0);
            return flags < 0 ? -1 : FcntlInt(fd, FSetFl, flags | ONonblock);
        });

        /// <summary>Sets or clears <c>FD_CLOEXEC</c>. Only tests clear it, to hand a descriptor to a child they start.</summary>
        internal static int SetCloseOnExec(SafeHandle handle, bool closeOnExec)
            => WithFd(handle, fd => FcntlInt(fd, 2 /* F_SETFD */, closeOnExec ? 1 /* FD_CLOEXEC */ : 0));

        /// <summary>Runs <paramref name="call"/> with the descriptor number while holding a reference on the handle.</summary>
        private static int WithFd(SafeHandle handle, Func<int, int> call)
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return call((int)handle.DangerousGetHandle());
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
    }
}
