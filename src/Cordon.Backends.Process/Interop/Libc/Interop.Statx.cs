using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AtEmptyPath = 0x1000;
        internal const uint StatxType = 0x1;
        internal const uint StatxIno = 0x100;
        internal const uint StatxMode = 0x2;
        internal const uint StatxUid = 0x8;
        internal const uint StatxGid = 0x10;
        internal const int SIfMt = 0xF000;
        internal const int SIfReg = 0x8000;
        internal const int SIfDir = 0x4000;
        internal const int SIfIfo = 0x1000;
        internal const int SIfChr = 0x2000;
        internal const int SIfBlk = 0x6000;
        internal const int SIfSock = 0xC000;

        /// <summary>The fields of <c>struct statx</c> Cordon reads (the layout is the same on every architecture).</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        internal struct StatxBuffer
        {
            [FieldOffset(20)] public uint Uid;
            [FieldOffset(24)] public uint Gid;
            [FieldOffset(28)] public ushort Mode;
            [FieldOffset(32)] public ulong Inode;
            [FieldOffset(136)] public uint DeviceMajor;
            [FieldOffset(140)] public uint DeviceMinor;
        }

        /// <summary><c>statx(fd, "", AT_EMPTY_PATH, mask, buffer)</c>: facts about an open descriptor. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Statx(int fd, string path, int flags, uint mask, out StatxBuffer buffer);
    }
}
