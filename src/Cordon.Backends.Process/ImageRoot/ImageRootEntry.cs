namespace Cordon.Backends.Process.ImageRoot;

/// <summary>What one top-level entry of an image root is.</summary>
internal enum ImageRootEntryKind
{
    /// <summary>A directory, bound read-only at its own path.</summary>
    Directory,

    /// <summary>A regular file, bound read-only at its own path.</summary>
    File,

    /// <summary>A symlink, recreated inside the sandbox (resolved there, against the guest's root).</summary>
    Symlink,
}

/// <summary>One top-level entry of an image root (<c>/bin</c>, <c>/etc</c>, <c>/lib64 → usr/lib64</c>).</summary>
/// <param name="Name">The entry's name, without a '/'.</param>
/// <param name="Kind">What it is.</param>
/// <param name="LinkTarget">A symlink's target as written; null for the others.</param>
internal sealed record ImageRootEntry(string Name, ImageRootEntryKind Kind, string? LinkTarget = null)
{
    /// <summary>Where it appears in the guest.</summary>
    public string GuestPath => "/" + Name;
}
