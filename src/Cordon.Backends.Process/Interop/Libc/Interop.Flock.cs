using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int LockExclusive = 2;
        internal const int LockNonBlocking = 4;
        internal const int Ewouldblock = 11;

        /// <summary><c>flock(2)</c>. 0, or -1 + errno (EWOULDBLOCK: another open file description holds it).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(SafeHandle fd, int operation);

        /// <summary><c>ftruncate(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ftruncate", SetLastError = true)]
        internal static partial int Ftruncate(SafeHandle fd, long length);

        /// <summary><c>open(2)</c> with O_CREAT and a mode. An invalid handle and errno on failure.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle OpenCreate(string path, int flags, uint mode);

        internal const int ORdWr = 0x2;
        internal const int OCreat = 0x40;
        internal const int ONoFollowFlag = 0x20000;
        internal const int OCloexecFlag = 0x80000;
    }
}
