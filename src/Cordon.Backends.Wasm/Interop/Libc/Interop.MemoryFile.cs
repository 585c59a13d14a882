using System.Runtime.InteropServices;

namespace Cordon.Backends.Wasm;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>MFD_CLOEXEC</c>: the descriptor is not inherited by programs the host executes.</summary>
        internal const uint MemoryFileCloseOnExec = 1;

        /// <summary><c>FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE</c>: free a range's pages, keep the file's size.</summary>
        internal const int PunchHoleKeepSize = 0x1 | 0x2;

        /// <summary>memfd_create(2) (Linux ≥ 3.17, glibc ≥ 2.27): an anonymous file in memory. Returns the descriptor, or -1 with errno.</summary>
        /// <param name="name">The name shown in /proc/self/fd, NUL-terminated ASCII.</param>
        /// <param name="flags"><see cref="MemoryFileCloseOnExec"/>.</param>
        [DllImport(Libraries.Libc, EntryPoint = "memfd_create", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int MemoryFileCreate(byte[] name, uint flags);

        /// <summary>fallocate(2). Returns 0, or -1 with errno.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "fallocate", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int FileAllocate(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int mode, long offset, long length);
    }
}
