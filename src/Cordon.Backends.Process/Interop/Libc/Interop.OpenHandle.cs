using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdOnly = 0x0;
        internal const int OWrOnly = 0x1;
        internal const int OTrunc = 0x200;

        /// <summary>open(2) without O_CREAT (so no mode argument). An invalid handle and errno on failure.</summary>
        /// <remarks>Pass O_CLOEXEC: the host spawns children concurrently and must not leak descriptors into them.</remarks>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle OpenHandle(string path, int flags);
    }
}
