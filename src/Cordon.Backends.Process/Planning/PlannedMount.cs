using System.Collections.Immutable;
using System.Globalization;

namespace Cordon.Backends.Process.Planning;

/// <summary>A bwrap mount operation, in the order bwrap applies them.</summary>
public enum MountOperation
{
    /// <summary><c>--ro-bind SOURCE GUEST</c>: a host path, read-only.</summary>
    ReadOnlyBind,

    /// <summary><c>--bind SOURCE GUEST</c>: a host path, writable (as root: an idmapped clone in the launcher's stage).</summary>
    Bind,

    /// <summary><c>--ro-bind-fd FD GUEST</c>: a descriptor the supervisor opened without following links, read-only.</summary>
    ReadOnlyBindDescriptor,

    /// <summary><c>--bind-fd FD GUEST</c>: a descriptor the supervisor opened without following links, writable.</summary>
    BindDescriptor,

    /// <summary><c>--ro-bind-data FD GUEST</c>: a read-only file with the descriptor's contents.</summary>
    ReadOnlyData,

    /// <summary><c>--symlink TARGET GUEST</c>.</summary>
    Symlink,

    /// <summary><c>--proc GUEST</c>: the sandbox's own procfs.</summary>
    Proc,

    /// <summary><c>--dev GUEST</c>: a minimal /dev.</summary>
    Dev,

    /// <summary><c>[--size N] --tmpfs GUEST</c>.</summary>
    Tmpfs,

    /// <summary><c>--remount-ro GUEST</c>.</summary>
    RemountReadOnly,

    /// <summary>
    /// <c>--perms 0444 --file FD GUEST</c>: a file with the descriptor's contents written into bwrap's root tmpfs, no mount
    /// of its own; read-only once the root is remounted read-only (which every plan does last).
    /// </summary>
    RootFile,
}

/// <summary>One mount of the sandbox, as bwrap makes it.</summary>
/// <param name="Operation">What bwrap does.</param>
/// <param name="GuestPath">Where it appears inside.</param>
/// <param name="Source">The host path, the descriptor number, or the link target; null for proc, dev, tmpfs and remounts.</param>
/// <param name="SizeBytes">A tmpfs's size; null for others (and for an unsized tmpfs).</param>
public sealed record PlannedMount(MountOperation Operation, string GuestPath, string? Source = null, long? SizeBytes = null)
{
    /// <summary>bwrap's options for this mount.</summary>
    public ImmutableArray<string> BwrapOptions => Operation switch
    {
        MountOperation.ReadOnlyBind => ["--ro-bind", Source!, GuestPath],
        MountOperation.Bind => ["--bind", Source!, GuestPath],
        MountOperation.ReadOnlyBindDescriptor => ["--ro-bind-fd", Source!, GuestPath],
        MountOperation.BindDescriptor => ["--bind-fd", Source!, GuestPath],
        MountOperation.ReadOnlyData => ["--ro-bind-data", Source!, GuestPath],
        MountOperation.Symlink => ["--symlink", Source!, GuestPath],
        MountOperation.Proc => ["--proc", GuestPath],
        MountOperation.Dev => ["--dev", GuestPath],
        MountOperation.Tmpfs => SizeBytes is { } size ? ["--size", size.ToString(CultureInfo.InvariantCulture), "--tmpfs", GuestPath] : ["--tmpfs", GuestPath],
        MountOperation.RemountReadOnly => ["--remount-ro", GuestPath],
        MountOperation.RootFile => ["--perms", "0444", "--file", Source!, GuestPath],
        _ => throw new ArgumentOutOfRangeException(nameof(Operation), Operation, "unknown mount operation"),
    };

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', BwrapOptions);
}
