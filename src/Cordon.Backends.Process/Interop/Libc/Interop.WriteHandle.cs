using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>write(2) on a SafeFileHandle. cgroupfs takes each value in a single write and reports rejection through errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint WriteHandle(SafeFileHandle fd, byte* buffer, nuint count);
    }
}
