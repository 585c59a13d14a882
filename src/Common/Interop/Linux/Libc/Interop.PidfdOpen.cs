using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pidfd_open(2) (glibc ≥ 2.36): a descriptor that polls readable when the process exits.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pidfd_open", SetLastError = true)]
        internal static partial int PidfdOpen(int pid, uint flags);
    }
}
