using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {

        /// <summary>fchmodat(2) with a path (here always /proc/self/fd/N of an O_PATH descriptor). 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fchmodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Fchmodat(int directory, string path, uint mode, int flags);
    }
}
