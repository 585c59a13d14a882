using Cordon.Images.Files;

namespace Cordon.Images.Cache;

/// <summary>
/// Cordon's own content-addressed store of unpacked images, per user: <c>layers/HEX</c> (one per layer blob digest) and
/// <c>roots/HEX</c> (one merged root per chain id), each with its tree in <c>rootfs/</c> beside a <see cref="CacheMarker"/>.
/// An entry is built in <c>tmp/</c> and renamed into place whole, so a crash leaves no half-built entry under its name.
/// The store must belong to the user and be writable by nobody else, or it is refused: who can write it can change
/// what a guest runs.
/// </summary>
internal sealed class ImageCache
{
    public const string TreeName = "rootfs";
    /// <summary>
    /// Owner-only but traversable: a root supervisor runs each guest as a uid of its own, which must reach the merged
    /// root by path (bubblewrap resolves a bind's source by path); nobody else can list the store or write to it.
    /// </summary>
    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public ImageCache(string directory)
    {
        if (!Path.IsPathFullyQualified(directory))
            throw new ImageException(ImageErrorKind.Cache, $"the image cache '{directory}' is not an absolute path", "set XDG_CACHE_HOME or HOME to an absolute path");
        Directory = directory;
    }

    public string Directory { get; }

    public string Layers => Path.Combine(Directory, "layers");

    public string Roots => Path.Combine(Directory, "roots");

    public string Temporary => Path.Combine(Directory, "tmp");

    /// <summary>Creates the store (owner-only) and checks that it, and the directory holding it, are the user's alone.</summary>
    public void EnsureTrusted()
    {
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Directory)!, Traversable);
            foreach (string path in new[] { Directory, Layers, Roots, Temporary })
            {
                System.IO.Directory.CreateDirectory(path, Traversable);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(ImageErrorKind.Cache, $"the image cache {Directory} cannot be created: {e.Message}", "make the cache directory writable, or point XDG_CACHE_HOME elsewhere", e);
        }

        uint me = Interop.Libc.GetEuid();
        foreach (string path in new[] { Path.GetDirectoryName(Directory)!, Directory, Layers, Roots, Temporary })
        {
            if (Interop.Libc.Statx(-100, path, 0x100, Interop.Libc.StatxType | Interop.Libc.StatxMode | Interop.Libc.StatxUid, out Interop.Libc.StatxBuffer status) != 0)
                throw new ImageException(ImageErrorKind.Cache, $"the image cache directory {path} cannot be read", "check its permissions");
            bool isDirectory = (status.Mode & Interop.Libc.SIfMt) == Interop.Libc.SIfDir;
            if (!isDirectory || status.Uid != me || (status.Mode & 0b000_010_010) != 0)
            {
                throw new ImageException(ImageErrorKind.Cache,
                    $"the image cache directory {path} is {(isDirectory ? "" : "not a directory, or ")}owned by uid {status.Uid} with mode {Convert.ToString(status.Mode & 0xFFF, 8)}; Cordon trusts only a cache that is its user's (uid {me}) and writable by no one else",
                    $"chmod go-w {path} (and chown it to uid {me}), or point XDG_CACHE_HOME at a directory of your own");
            }
        }
    }

    /// <summary>Removes build directories of Cordon processes that died mid-build (their name carries the builder's pid).</summary>
    public void SweepAbandonedBuilds()
    {
        foreach (string build in System.IO.Directory.EnumerateDirectories(Temporary, "build-*"))
        {
            string[] parts = Path.GetFileName(build).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int pid) && !System.IO.Directory.Exists($"/proc/{pid}"))
                Tree.Remove(build);
        }
    }

    /// <summary>The entry for <paramref name="digest"/> under <paramref name="kind"/>, if it is there and its marker names that digest; a mismatched entry is removed.</summary>
    public CacheMarker? Find(string kind, string digest, bool rehash)
    {
        string entry = EntryPath(kind, digest);
        if (NodeStatus.Of(entry).Kind == NodeKind.Missing) return null;
        CacheMarker? marker = CacheMarker.Read(entry, digest);
        if (marker is not null && NodeStatus.Of(Path.Combine(entry, TreeName)).Kind == NodeKind.Directory
            && (!rehash || TreeDigest.Compute(Path.Combine(entry, TreeName)) == marker.Tree))
        {
            return marker;
        }

        Tree.Remove(entry); // never trusted again: rebuilt from the verified blobs
        return null;
    }

    public string EntryPath(string kind, string digest) => Path.Combine(kind, digest.Replace("sha256:", "", StringComparison.Ordinal));

    /// <summary>A new private directory to build an entry in.</summary>
    public string NewBuildDirectory() => Tree.CreatePrivateDirectory(Temporary, "build-", Traversable);

    /// <summary>Moves a built entry into place; when another process got there first, its entry is kept and ours removed.</summary>
    public void Commit(string built, string kind, string digest)
    {
        string entry = EntryPath(kind, digest);
        try
        {
            System.IO.Directory.Move(built, entry);
        }
        catch (IOException) when (NodeStatus.Of(entry).Kind == NodeKind.Directory)
        {
            Tree.Remove(built);
        }
    }
}
