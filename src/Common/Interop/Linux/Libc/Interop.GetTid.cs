using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>gettid(2) (glibc 2.30+): the kernel id of the calling thread.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "gettid")]
        internal static partial int GetTid();
    }
}
