using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ONoctty = 0x100;
        internal const ulong ResolveNoSymlinks = 0x04;
        private const long SysOpenat2 = 437; // the same number on every Linux architecture (added after the unified table)

        /// <summary>O_NOFOLLOW, whose value differs between architectures (arm64 keeps the generic one).</summary>
        internal static int ONofollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

        [StructLayout(LayoutKind.Sequential)]
        private struct OpenHow
        {
            public ulong Flags;
            public ulong Mode;
            public ulong Resolve;
        }

        /// <summary>
        /// <c>openat2(AT_FDCWD, path, {flags, 0, resolve})</c> through <c>syscall(2)</c> (Linux 5.6+; glibc has no wrapper):
        /// a descriptor, or -1 + errno (ENOSYS on older kernels).
        /// </summary>
        internal static unsafe int Openat2(string path, int flags, ulong resolve)
        {
            var how = new OpenHow { Flags = (ulong)(uint)flags, Resolve = resolve };
            byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = utf8)
            {
                return (int)Openat2Syscall(SysOpenat2, AtFdCwd, p, &how, (nuint)sizeof(OpenHow));
            }
        }

        // syscall(2) is variadic; its integer arguments travel in the same registers as fixed ones on x86-64 and arm64 Linux.
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        private static unsafe partial long Openat2Syscall(long number, int directory, byte* path, void* how, nuint size);
    }
}
