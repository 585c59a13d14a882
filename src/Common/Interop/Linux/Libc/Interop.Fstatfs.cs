using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>struct statfs</c> (x86-64, 120 bytes): the fields Cordon reads.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 120)]
        internal struct FilesystemStatus
        {
            [FieldOffset(0)] internal long Type;
            [FieldOffset(24)] internal ulong FreeBlocks;
            [FieldOffset(48)] internal ulong FreeFiles;
        }

        /// <summary>fstatfs(2). 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fstatfs", SetLastError = true)]
        internal static partial int Fstatfs(SafeHandle fd, out FilesystemStatus status);
    }
}
