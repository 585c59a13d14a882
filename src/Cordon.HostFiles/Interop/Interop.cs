using System.Runtime.InteropServices;

namespace Cordon.HostFiles;

/// <summary>The native calls of host-path opening; each is declared here once.</summary>
internal static partial class Interop
{
    private const string Libc = "libc.so.6";

    /// <summary>SYS_openat2 on x86-64 (Linux 5.6+); glibc 2.36 has no wrapper.</summary>
    private const long SysOpenat2 = 437;

    internal const int AtFdCwd = -100;
    internal const int ONonBlock = 0x800;
    internal const int ODirectory = 0x10000;
    internal const int ONoFollow = 0x20000;
    internal const int OCloexec = 0x80000;
    internal const int OPath = 0x200000;
    internal const int ONoCtty = 0x100;

    /// <summary>RESOLVE_NO_XDEV would refuse mount points; these two refuse every symlink and every /proc magic link.</summary>
    internal const ulong ResolveNoMagicLinks = 0x02;
    internal const ulong ResolveNoSymlinks = 0x04;

    internal const int Enoent = 2;
    internal const int Eacces = 13;
    internal const int Enotdir = 20;
    internal const int Eloop = 40;
    internal const int Eperm = 1;
    internal const int Enosys = 38;
    internal const int Exdev = 18;

    /// <summary><c>struct open_how</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OpenHow
    {
        internal ulong Flags;
        internal ulong Mode;
        internal ulong Resolve;
    }

    /// <summary>The fields of <c>struct stat</c> (x86-64, 144 bytes) Cordon reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 144)]
    internal struct FileStatus
    {
        [FieldOffset(0)] internal ulong Device;
        [FieldOffset(8)] internal ulong Inode;
        [FieldOffset(24)] internal uint Mode;
        [FieldOffset(28)] internal uint Uid;
        [FieldOffset(32)] internal uint Gid;
        [FieldOffset(48)] internal long Size;
    }

    /// <summary><c>struct statfs</c> (x86-64, 120 bytes): the fields Cordon reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 120)]
    internal struct FilesystemStatus
    {
        [FieldOffset(0)] internal long Type;
        [FieldOffset(24)] internal ulong FreeBlocks;
        [FieldOffset(48)] internal ulong FreeFiles;
    }

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    /// <summary><c>openat2(2)</c>. The descriptor, or -1 + errno (ENOSYS before Linux 5.6).</summary>
    internal static unsafe int OpenAt2(string path, ulong flags, ulong resolve)
    {
        OpenHow how = new() { Flags = flags, Resolve = resolve };
        int length = System.Text.Encoding.UTF8.GetByteCount(path);
        byte* utf8 = stackalloc byte[length + 1];
        System.Text.Encoding.UTF8.GetBytes(path, new Span<byte>(utf8, length));
        utf8[length] = 0;
        return (int)Syscall(SysOpenat2, AtFdCwd, utf8, &how, (nuint)sizeof(OpenHow));
    }

    [LibraryImport(Libc, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int OpenAt(int dirfd, string path, int flags);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FstatNumber(int fd, out FileStatus status);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int Fstat(SafeHandle fd, out FileStatus status);

    [LibraryImport(Libc, EntryPoint = "fstatfs", SetLastError = true)]
    internal static partial int Fstatfs(SafeHandle fd, out FilesystemStatus status);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int FcntlInt(SafeHandle fd, int command, int argument);

    internal const int FGetFl = 3;
    internal const int FSetFl = 4;
}
