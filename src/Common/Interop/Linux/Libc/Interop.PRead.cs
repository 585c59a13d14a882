using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pread(2) (64-bit offset on LP64 glibc). Reading cgroupfs at offset 0 regenerates the file's contents.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pread", SetLastError = true)]
        internal static unsafe partial nint PRead(SafeFileHandle fd, byte* buffer, nuint count, long offset);
    }
}
