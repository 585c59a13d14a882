using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AtEmptyPath = 0x1000;
        internal const uint StatxBasicStats = 0x7ff;
        internal const ushort SIfMt = 0xF000;
        internal const ushort SIfDir = 0x4000;

        /// <summary>The head of <c>struct statx</c> (the kernel writes 256 bytes; the rest is padding here).</summary>
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        internal struct Statx
        {
            internal uint Mask;
            internal uint BlockSize;
            internal ulong Attributes;
            internal uint LinkCount;
            internal uint Uid;
            internal uint Gid;
            internal ushort Mode;
        }

        /// <summary>statx(2) of the open descriptor itself (<c>AT_EMPTY_PATH</c>, an O_PATH descriptor is enough). 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static unsafe partial int StatxCall(SafeFileHandle directory, string path, int flags, uint mask, Statx* result);

        internal static unsafe int StatxOf(SafeFileHandle fd, out Statx result)
        {
            Statx s = default;
            int r = StatxCall(fd, "", AtEmptyPath, StatxBasicStats, &s);
            result = s;
            return r;
        }
    }
}
