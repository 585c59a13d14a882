using Microsoft.Win32.SafeHandles;

namespace Cordon.HostFiles;

/// <summary>Free space of the filesystem an open descriptor is on (<c>fstatfs</c>).</summary>
internal static class FilesystemSpace
{
    /// <summary>Free blocks and free inodes, or null when the kernel would not say.</summary>
    internal static (ulong FreeBlocks, ulong FreeFiles)? Free(SafeFileHandle handle)
        => Interop.Fstatfs(handle, out Interop.FilesystemStatus status) == 0 ? (status.FreeBlocks, status.FreeFiles) : null;
}
