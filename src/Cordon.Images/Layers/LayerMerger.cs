using System.Collections.Immutable;
using Cordon.Images.Files;

namespace Cordon.Images.Layers;

/// <summary>
/// Builds an image's root from its unpacked layers, base first: in each directory a layer's opaque marker first hides
/// what the layers below put there, its whiteouts delete lower entries, then its own entries are added (files as hard
/// links to the layer's cached copy). So whiteouts touch lower layers only. Directory modes are applied last.
/// </summary>
internal static class LayerMerger
{
    private const int DefaultDirectoryMode = 0b111_101_101; // 0755

    public static void Merge(IReadOnlyList<(string Root, LayerContents Contents)> layers, string merged)
    {
        Dictionary<string, int> modes = new(StringComparer.Ordinal);
        foreach (var (root, contents) in layers) Apply(root, contents.DirectoryModes, merged, "", modes);
        // Deepest first, so a directory that loses its owner's write bit is set after everything beneath it.
        foreach (var (path, mode) in modes.OrderByDescending(m => m.Key.Length))
        {
            string full = Path.Combine(merged, path);
            if (NodeStatus.Of(full).Kind == NodeKind.Directory) File.SetUnixFileMode(full, (UnixFileMode)mode);
        }

        File.SetUnixFileMode(merged, (UnixFileMode)DefaultDirectoryMode);
    }

    private static void Apply(string layerDirectory, ImmutableSortedDictionary<string, int> layerModes, string mergedDirectory, string relative, Dictionary<string, int> modes)
    {
        List<string> names = [.. Directory.EnumerateFileSystemEntries(layerDirectory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];
        if (names.Contains(Whiteout.Opaque))
        {
            Tree.Clear(mergedDirectory);
            Forget(modes, relative, self: false);
        }

        foreach (string name in names)
        {
            if (Whiteout.Target(name) is not { } target) continue;
            Tree.Remove(Path.Combine(mergedDirectory, target));
            Forget(modes, Join(relative, target), self: true);
        }

        foreach (string name in names)
        {
            if (Whiteout.Target(name) is not null || Whiteout.IsReserved(name)) continue;
            string from = Path.Combine(layerDirectory, name), to = Path.Combine(mergedDirectory, name), path = Join(relative, name);
            NodeStatus source = NodeStatus.Of(from), existing = NodeStatus.Of(to);
            switch (source.Kind)
            {
                case NodeKind.Directory:
                    if (existing.Kind != NodeKind.Directory)
                    {
                        Tree.Remove(to);
                        Directory.CreateDirectory(to);
                        modes[path] = DefaultDirectoryMode;
                    }

                    if (layerModes.TryGetValue(path, out int mode)) modes[path] = mode;
                    Apply(from, layerModes, to, path, modes);
                    break;
                case NodeKind.RegularFile:
                    Tree.Remove(to);
                    Forget(modes, path, self: true);
                    if (Interop.Libc.Link(from, to) != 0) File.Copy(from, to); // a filesystem without hard links: a copy keeps the mode
                    break;
                case NodeKind.Symlink:
                    Tree.Remove(to);
                    Forget(modes, path, self: true);
                    File.CreateSymbolicLink(to, new FileInfo(from).LinkTarget!);
                    break;
            }
        }
    }

    private static string Join(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;

    private static void Forget(Dictionary<string, int> modes, string path, bool self)
    {
        string prefix = path.Length == 0 ? "" : path + "/";
        foreach (string key in modes.Keys.Where(k => (self && k == path) || k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) modes.Remove(key);
    }
}
