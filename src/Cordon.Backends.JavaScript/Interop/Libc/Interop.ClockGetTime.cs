using System.Runtime.InteropServices;

namespace Cordon.Backends.JavaScript;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>clock_gettime(2). Returns 0, or -1 with errno.</summary>
        /// <remarks>
        /// DllImport rather than LibraryImport: the signature is blittable, so no marshalling stub is generated and this
        /// project stays free of AllowUnsafeBlocks.
        /// </remarks>
        [DllImport(Libraries.Libc, EntryPoint = "clock_gettime", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int ClockGetTime(int clockId, out TimeSpec time);

        /// <summary>gettid(2) (glibc 2.30+): the kernel id of the calling thread.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int GetTid();

        /// <summary>struct timespec on 64-bit Linux.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct TimeSpec
        {
            internal long Seconds;
            internal long Nanoseconds;
        }
    }
}
