using System.Runtime.InteropServices;

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
        internal static int AddSeals(SafeHandle memfd, int seals) => FcntlInt(memfd, FAddSeals, seals);

        /// <summary><c>fcntl(fd, F_GET_SEALS)</c>: the seals in force, or -1 + errno.</summary>
        internal static int GetSeals(SafeHandle memfd) => FcntlInt(memfd, FGetSeals, 0);
    }
}
