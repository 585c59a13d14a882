using Microsoft.Win32.SafeHandles;

namespace Cordon.HostFiles;

/// <summary>Free space of the filesystem an open descriptor is on (<c>fstatfs</c>).</summary>
public static class FilesystemSpace
{
    /// <summary>Free blocks and free inodes, or null when the kernel would not say.</summary>
    public static (ulong FreeBlocks, ulong FreeFiles)? Free(SafeFileHandle handle)
        => Interop.Libc.Fstatfs(handle, out Interop.Libc.FilesystemStatus status) == 0 ? (status.FreeBlocks, status.FreeFiles) : null;
}
