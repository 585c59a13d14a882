using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.Backends.Process.ImageRoot;

/// <summary>
/// The top level of an image root, read for the plan. The sandbox's own root stays bwrap's read-only tmpfs, and each
/// top-level entry of the image is bound read-only onto it (symlinks recreated), so Cordon's /proc, /dev, /tmp, the
/// work directory and the policy's mounts still get mount points of their own, and Landlock gets one rule per entry.
/// </summary>
internal static class ImageRootListing
{
    /// <summary>Top-level names Cordon provides itself; the image's copies are not mounted.</summary>
    public static readonly ImmutableArray<string> CordonOwned = ["proc", "dev", "tmp", SandboxPolicy.WorkDirectoryGuestPath.TrimStart('/'), ".cordon"];

    /// <summary>The entries of <paramref name="rootfs"/>; with <paramref name="othersMustReach"/> (a root supervisor, whose guests run as uids of their own), its ancestors must be searchable by others.</summary>
    public static ImmutableArray<ImageRootEntry> Read(string rootfs, bool othersMustReach)
    {
        if (othersMustReach)
        {
            for (string? dir = rootfs; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (Interop.Libc.Statx(-100, dir, 0, Interop.Libc.StatxMode, out Interop.Libc.StatxBuffer status) == 0 && (status.Mode & 0b001) == 0)
                {
                    throw new SandboxSetupException("image root", $"'{dir}' is not searchable by other users (mode {Convert.ToString(status.Mode & 0xFFF, 8)}), so the run's own uid cannot reach the root '{rootfs}'",
                        $"chmod o+x {dir}, or keep image roots outside root's home (as root, cordon caches images in /var/cache/cordon/images)");
                }
            }
        }

        var directory = new DirectoryInfo(rootfs);
        if (!directory.Exists || directory.LinkTarget is not null)
        {
            throw new SandboxSetupException("image root", $"'{rootfs}' is not a directory (an image root is an unpacked root filesystem, not a link to one)",
                "give the unpacked root directory itself, e.g. the rootfs/ of umoci unpack, or use --image PATH[:TAG]");
        }

        List<ImageRootEntry> entries = [];
        try
        {
            foreach (FileSystemInfo entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (CordonOwned.Contains(entry.Name)) continue;
                if (entry.LinkTarget is { } target)
                {
                    entries.Add(new(entry.Name, ImageRootEntryKind.Symlink, target));
                    continue;
                }

                // Devices, FIFOs and sockets at the top of a root are not mounted: the guest has Cordon's /dev.
                switch (TypeOf(entry.FullName))
                {
                    case Interop.Libc.SIfDir: entries.Add(new(entry.Name, ImageRootEntryKind.Directory)); break;
                    case Interop.Libc.SIfReg: entries.Add(new(entry.Name, ImageRootEntryKind.File)); break;
                }
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SandboxSetupException("image root", $"'{rootfs}' cannot be listed: {e.Message}", "make the root directory readable by the user running cordon");
        }

        return [.. entries];
    }

    /// <summary>The S_IFMT bits of <paramref name="path"/> itself (statx without following a link), or 0 when it vanished.</summary>
    private static int TypeOf(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        return Interop.Libc.Statx(AtFdCwd, path, AtSymlinkNoFollow, Interop.Libc.StatxType, out Interop.Libc.StatxBuffer status) == 0 ? status.Mode & Interop.Libc.SIfMt : 0;
    }
}
