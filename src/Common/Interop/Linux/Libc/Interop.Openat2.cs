using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>__NR_openat2</c> (437 on x86-64 and arm64, Linux 5.6+; glibc has no wrapper).</summary>
        internal const long SysOpenat2 = 437;

        /// <summary>RESOLVE_NO_MAGICLINKS: refuse /proc/PID/fd-style links, which jump outside any root.</summary>
        internal const ulong ResolveNoMagicLinks = 0x02;

        /// <summary>RESOLVE_NO_SYMLINKS: refuse every symlink in the path.</summary>
        internal const ulong ResolveNoSymlinks = 0x04;

        /// <summary>RESOLVE_BENEATH: every component, symlinks included, must stay below the starting directory (else EXDEV).</summary>
        internal const ulong ResolveBeneath = 0x08;

        /// <summary>RESOLVE_IN_ROOT: resolve as if the starting directory were the root (absolute symlinks and ".." stay inside).</summary>
        internal const ulong ResolveInRoot = 0x10;

        /// <summary><c>struct open_how</c> (24 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct OpenHow
        {
            internal ulong Flags;
            internal ulong Mode;
            internal ulong Resolve;
        }

        /// <summary>openat2(2) of <paramref name="path"/> relative to <paramref name="directory"/> (or AT_FDCWD): the descriptor, or -1 + errno (ENOSYS before Linux 5.6).</summary>
        internal static unsafe int Openat2(int directory, string path, OpenHow how)
        {
            fixed (byte* utf8 = Utf8z(path))
            {
                return (int)Syscall(SysOpenat2, directory, (nint)utf8, (nint)(&how), sizeof(OpenHow), 0);
            }
        }

        /// <summary>openat2(2) relative to <paramref name="directory"/>, held open for the call; an invalid handle + errno on failure.</summary>
        internal static SafeFileHandle Openat2(SafeFileHandle directory, string path, OpenHow how)
        {
            using var held = new HeldDescriptor(directory);
            return new SafeFileHandle(Openat2(held.Number, path, how), ownsHandle: true);
        }
    }
}
