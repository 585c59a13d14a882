using Microsoft.Win32.SafeHandles;

namespace Cordon.HostFiles;

/// <summary>
/// A host file or directory opened once, by <see cref="HostPath"/>, and from then on referred to only by its descriptor, so
/// nothing can be swapped between the checks and the use. The caller owns <see cref="Handle"/>.
/// </summary>
/// <param name="Path">The path as the caller gave it (for messages only; never opened again).</param>
/// <param name="Handle">An <c>O_PATH</c> or read-only descriptor, close-on-exec.</param>
/// <param name="Kind">What it is.</param>
/// <param name="OwnerUid">The owner's host uid.</param>
/// <param name="OwnerGid">The owner's host gid.</param>
/// <param name="FilesystemType">The <c>statfs</c> magic of the filesystem holding it (for messages).</param>
/// <param name="Mode">Its permission bits (<c>st_mode &amp; 07777</c>).</param>
public sealed record OpenedHostPath(string Path, SafeFileHandle Handle, HostObjectKind Kind, uint OwnerUid, uint OwnerGid, long FilesystemType, uint Mode)
{
    /// <summary>A readable name of <see cref="FilesystemType"/>.</summary>
    public string FilesystemName => FilesystemType switch
    {
        0xEF53 => "ext4",
        0x58465342 => "xfs",
        0x9123683E => "btrfs",
        0x01021994 => "tmpfs",
        0x794C7630 => "overlayfs",
        0x6969 => "nfs",
        0xFF534D42 => "cifs",
        0x65735546 => "fuse",
        0x2FC12FC1 => "zfs",
        0x9FA0 => "proc",
        0x62656572 => "sysfs",
        _ => $"filesystem 0x{FilesystemType:x}",
    };
}
