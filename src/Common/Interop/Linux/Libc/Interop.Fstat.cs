using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>The fields of <c>struct stat</c> (x86-64, 144 bytes) Cordon reads.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 144)]
        internal struct FileStatus
        {
            [FieldOffset(0)] internal ulong Device;
            [FieldOffset(8)] internal ulong Inode;
            [FieldOffset(24)] internal uint Mode;
            [FieldOffset(28)] internal uint Uid;
            [FieldOffset(32)] internal uint Gid;
            [FieldOffset(48)] internal long Size;
        }

        /// <summary>fstat(2). 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fstat", SetLastError = true)]
        internal static partial int Fstat(int fd, out FileStatus status);

        /// <summary><see cref="Fstat(int, out FileStatus)"/>, holding <paramref name="fd"/> open for the call.</summary>
        internal static int Fstat(SafeHandle fd, out FileStatus status)
        {
            using var held = new HeldDescriptor(fd);
            return Fstat(held.Number, out status);
        }
    }
}
