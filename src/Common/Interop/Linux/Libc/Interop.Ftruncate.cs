using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>ftruncate(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ftruncate", SetLastError = true)]
        internal static partial int Ftruncate(SafeHandle fd, long length);
    }
}
