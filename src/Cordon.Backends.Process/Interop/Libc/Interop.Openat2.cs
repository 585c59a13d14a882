using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SysOpenat2 = 437;
        internal const int OPath = 0x20_0000;
        internal const int ONoFollow = 0x2_0000;
        internal const int ODirectory = 0x1_0000;
        internal const int OCloExec = 0x8_0000;

        /// <summary>RESOLVE_BENEATH: every component, symlinks included, must stay below the starting directory (else EXDEV).</summary>
        internal const ulong ResolveBeneath = 0x08;

        /// <summary>RESOLVE_IN_ROOT: resolve as if the starting directory were the root (absolute symlinks and ".." stay inside).</summary>
        internal const ulong ResolveInRoot = 0x10;

        /// <summary>RESOLVE_NO_MAGICLINKS: refuse /proc/PID/fd-style links, which jump outside any root.</summary>
        internal const ulong ResolveNoMagicLinks = 0x02;

        /// <summary><c>struct open_how</c> (24 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct OpenHow
        {
            internal ulong Flags;
            internal ulong Mode;
            internal ulong Resolve;
        }

        /// <summary>openat2(2) (Linux 5.6+; glibc has no wrapper): the descriptor, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static unsafe partial long Openat2Syscall(long number, SafeFileHandle directory, string path, OpenHow* how, nuint size);

        /// <summary>Opens <paramref name="path"/> relative to <paramref name="directory"/> under <paramref name="how"/>; invalid handle + errno on failure.</summary>
        internal static unsafe SafeFileHandle Openat2(SafeFileHandle directory, string path, OpenHow how)
        {
            long fd = Openat2Syscall(SysOpenat2, directory, path, &how, (nuint)sizeof(OpenHow));
            return new SafeFileHandle((nint)fd, ownsHandle: true);
        }
    }
}
