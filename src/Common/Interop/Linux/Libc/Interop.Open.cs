using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// open(2). An invalid handle and errno on failure. <paramref name="mode"/> matters only with O_CREAT (pass 0 otherwise).
        /// Pass O_CLOEXEC: the host spawns children concurrently and must not leak descriptors into them.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle Open(string path, int flags, uint mode);
    }
}
