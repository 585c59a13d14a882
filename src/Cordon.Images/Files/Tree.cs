namespace Cordon.Images.Files;

/// <summary>
/// Filesystem steps inside a tree Cordon is building, none of which follows a symlink: every parent component is
/// checked with lstat (statx without following) before anything is created beneath it, and removal unlinks links
/// instead of descending into what they point at. Cordon is the only writer of these trees (a private temporary
/// directory in its own cache), so a component checked here stays what it was.
/// </summary>
internal static class Tree
{
    /// <summary>Makes sure every parent of <paramref name="relative"/> below <paramref name="root"/> is a real directory, creating missing ones.</summary>
    public static void EnsureParents(string root, string relative, string where)
    {
        int slash = -1;
        while ((slash = relative.IndexOf('/', slash + 1)) >= 0)
        {
            string prefix = relative[..slash];
            string full = Path.Combine(root, prefix);
            switch (NodeStatus.Of(full).Kind)
            {
                case NodeKind.Directory: break;
                case NodeKind.Missing: Directory.CreateDirectory(full); break;
                case NodeKind.Symlink:
                    throw Layers.EntryPath.Refused(where, $"lies beneath '{prefix}', which is a symlink in the same tree; Cordon never follows a link while unpacking", "link traversal");
                default:
                    throw Layers.EntryPath.Refused(where, $"lies beneath '{prefix}', which is not a directory");
            }
        }
    }

    /// <summary>Removes <paramref name="path"/> whatever it is: a link is unlinked, a directory emptied first (made writable on the way).</summary>
    public static void Remove(string path)
    {
        switch (NodeStatus.Of(path).Kind)
        {
            case NodeKind.Missing: return;
            case NodeKind.Directory:
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Clear(path);
                Directory.Delete(path);
                return;
            default:
                File.Delete(path);
                return;
        }
    }

    /// <summary>Removes everything inside directory <paramref name="path"/>.</summary>
    public static void Clear(string path)
    {
        foreach (string child in Directory.EnumerateFileSystemEntries(path).ToList()) Remove(child);
    }

    /// <summary>A new, empty directory under <paramref name="parent"/>, writable by its owner only.</summary>
    public static string CreatePrivateDirectory(string parent, string prefix, UnixFileMode mode)
    {
        string path = Path.Combine(parent, $"{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path, mode);
        return path;
    }
}
