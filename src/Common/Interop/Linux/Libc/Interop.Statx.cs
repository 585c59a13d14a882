using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint StatxType = 0x1;
        internal const uint StatxMode = 0x2;
        internal const uint StatxUid = 0x8;
        internal const uint StatxGid = 0x10;
        internal const uint StatxIno = 0x100;
        internal const uint StatxBasicStats = 0x7ff;
        internal const int SIfMt = 0xF000;
        internal const int SIfReg = 0x8000;
        internal const int SIfDir = 0x4000;
        internal const int SIfIfo = 0x1000;
        internal const int SIfChr = 0x2000;
        internal const int SIfBlk = 0x6000;
        internal const int SIfSock = 0xC000;

        /// <summary>struct statx_timestamp (linux/stat.h).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct StatxTimestamp
        {
            public long Seconds;
            public uint Nanoseconds;
            private readonly int _reserved;
        }

        /// <summary>struct statx (linux/stat.h), 256 bytes, the same on every architecture; the fields past the device numbers are not named.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        internal struct StatxBuffer
        {
            public uint Mask;
            public uint BlockSize;
            public ulong Attributes;
            public uint LinkCount;
            public uint Uid;
            public uint Gid;
            public ushort Mode;
            private readonly ushort _spare0;
            public ulong Inode;
            public ulong Size;
            public ulong Blocks;
            public ulong AttributesMask;
            public StatxTimestamp AccessTime;
            public StatxTimestamp BirthTime;
            public StatxTimestamp ChangeTime;
            public StatxTimestamp ModifyTime;
            public uint RdevMajor;
            public uint RdevMinor;
            public uint DeviceMajor;
            public uint DeviceMinor;
        }

        /// <summary>
        /// statx(2) (glibc 2.28+): of <paramref name="path"/> relative to <paramref name="directory"/>, or with
        /// <c>""</c> and AT_EMPTY_PATH of an open descriptor. 0, or -1 + errno.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);
    }
}
