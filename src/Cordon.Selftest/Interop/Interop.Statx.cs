using System.Runtime.InteropServices;

namespace Cordon.Selftest;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AtFdCwd = -100;
        internal const int AtSymlinkNoFollow = 0x100;
        internal const uint StatxBasicStats = 0x7ff;

        /// <summary>struct statx_timestamp (linux/stat.h).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct StatxTimestamp
        {
            public long Seconds;
            public uint Nanoseconds;
            private readonly int _reserved;
        }

        /// <summary>struct statx (linux/stat.h), 256 bytes; only the leading fields are named.</summary>
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
        }

        /// <summary>statx(2) (glibc ≥ 2.28): the canaries need ctime, inode and link count, which FileInfo does not give.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true)]
        internal static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
    }
}
