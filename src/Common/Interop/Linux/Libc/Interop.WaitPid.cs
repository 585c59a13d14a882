using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int WNoHang = 1;

        [LibraryImport(Libraries.Libc, EntryPoint = "waitpid", SetLastError = true)]
        internal static partial int WaitPid(int pid, out int status, int options);
    }
}
