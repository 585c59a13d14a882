using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int WOk = 2;
        internal const int XOk = 1;

        /// <summary>
        /// faccessat(2). With AT_EACCESS the kernel checks the effective/filesystem ids, the ones mkdir(2) will use,
        /// so cgroup detection can ask "could we create a child here" without creating one.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "faccessat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Faccessat(int dirFd, string path, int mode, int flags);
    }
}
