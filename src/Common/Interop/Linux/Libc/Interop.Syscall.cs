using System.Runtime.InteropServices;
using System.Text;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// syscall(2), for the calls glibc has no wrapper for (openat2, Landlock, the new mount API). Pass 0 for the
        /// arguments a call does not take. The result, or -1 + errno.
        /// </summary>
        /// <remarks>
        /// syscall(2) is variadic; its integer arguments travel in the same registers as fixed ones on x86-64 and arm64
        /// Linux, so one fixed five-argument binding serves every call.
        /// </remarks>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static partial long Syscall(long number, nint argument1, nint argument2, nint argument3, nint argument4, nint argument5);

        /// <summary><paramref name="text"/> as NUL-terminated UTF-8, to pin and pass to <see cref="Syscall"/>; null stays null.</summary>
        internal static byte[]? Utf8z(string? text)
        {
            if (text is null) return null;
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, bytes);
            return bytes;
        }
    }
}
