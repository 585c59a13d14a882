namespace Cordon.Policy;

/// <summary>What the guest's root filesystem is made of, before the policy's own mounts.</summary>
public enum FilesystemRootKind
{
    /// <summary>The host's system directories read-only (/usr with the /bin, /lib, /sbin links, a minimal /etc). The default.</summary>
    HostSystem,

    /// <summary>Nothing from the host: only the policy's mounts, the work directory and the private /tmp, /dev, /proc.</summary>
    Empty,

    /// <summary>An unpacked image's root filesystem, read-only (a container image tier).</summary>
    Image,
}

/// <summary>The filesystem facet's root: explicit, so that no tier silently assumes the host's /usr.</summary>
public sealed record FilesystemRoot
{
    private FilesystemRoot(FilesystemRootKind kind, string? imagePath) => (Kind, ImagePath) = (kind, imagePath);

    /// <summary>The host's system directories, read-only.</summary>
    public static FilesystemRoot HostSystem { get; } = new(FilesystemRootKind.HostSystem, null);

    /// <summary>No host files.</summary>
    public static FilesystemRoot Empty { get; } = new(FilesystemRootKind.Empty, null);

    /// <summary>The unpacked root filesystem at host path <paramref name="rootfs"/>, read-only.</summary>
    public static FilesystemRoot Image(string rootfs)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootfs);
        return new(FilesystemRootKind.Image, rootfs);
    }

    /// <summary>Which root.</summary>
    public FilesystemRootKind Kind { get; }

    /// <summary>The host path of an <see cref="FilesystemRootKind.Image"/> root; null otherwise.</summary>
    public string? ImagePath { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FilesystemRootKind.HostSystem => "host system directories (read-only)",
        FilesystemRootKind.Empty => "empty",
        _ => $"image {ImagePath}",
    };
}
