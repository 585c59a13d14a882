using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int LockExclusive = 2;
        internal const int LockNonBlocking = 4;

        /// <summary><c>flock(2)</c>. 0, or -1 + errno (EWOULDBLOCK: another open file description holds it).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(SafeHandle fd, int operation);
    }
}
