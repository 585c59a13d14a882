using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE</c>: free a range's pages, keep the file's size.</summary>
        internal const int FallocPunchHoleKeepSize = 0x1 | 0x2;

        /// <summary><c>fallocate(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        internal static partial int Fallocate(SafeHandle fd, int mode, long offset, long length);
    }
}
