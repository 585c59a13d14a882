using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pwrite(2) (64-bit offset on LP64 glibc). Bytes written, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pwrite", SetLastError = true)]
        internal static unsafe partial nint PWrite(SafeFileHandle fd, byte* buffer, nuint count, long offset);
    }
}
