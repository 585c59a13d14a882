using System.Collections.Immutable;
using System.Formats.Tar;

namespace Cordon.Images.Layers;

/// <summary>
/// Unpacks one layer's tar into an empty directory, entry by entry, refusing or neutralising what a hostile layer
/// could use: names out of the root, entries beneath a symlink, hard links out of the layer or to nothing, sparse
/// files, duplicates, device nodes and FIFOs (skipped), setuid and setgid bits (removed). Nothing is ever followed.
/// </summary>
internal static class LayerUnpacker
{
    private const int SetIdBits = 0b110_000_000_000; // S_ISUID | S_ISGID
    private const UnixFileMode WritableFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static LayerContents Unpack(Stream tar, string root, string layer, UnpackBudget budget)
    {
        var modes = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        HashSet<string> seen = new(StringComparer.Ordinal);
        HashSet<string> files = new(StringComparer.Ordinal);
        int special = 0, setId = 0, whiteouts = 0, opaque = 0, links = 0, entries = 0;
        using var reader = new TarReader(tar, leaveOpen: true);
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry(copyData: false);
            }
            catch (NotSupportedException e)
            {
                bool sparse = e.Message.Contains("sparse", StringComparison.OrdinalIgnoreCase);
                throw EntryPath.Refused($"{layer}: an entry", $"uses a tar feature Cordon does not unpack ({e.Message})", sparse ? "sparse file" : "unsupported tar feature");
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
            {
                throw new ImageException(ImageErrorKind.Corrupt, $"{layer} is not a readable tar: {e.Message}", "the layer is damaged; rebuild or re-export the image", e);
            }

            if (entry is null) break;
            entries++;
            string where = $"{layer}: entry '{entry.Name}'";
            budget.AddEntry(where);
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
            if (entry.EntryType is TarEntryType.SparseFile || (entry is PaxTarEntry pax && pax.ExtendedAttributes.Keys.Any(k => k.StartsWith("GNU.sparse", StringComparison.Ordinal))))
                throw EntryPath.Refused(where, "is a sparse file, which Cordon does not unpack (a sparse file can claim a size far beyond its data)", "sparse file");

            string path = EntryPath.Normalize(entry.Name, where, budget.Limits.MaxPathBytes);
            int mode = (int)entry.Mode & 0xFFF;
            if (path.Length == 0) continue; // the layer's root: its mode is the merged root's, which Cordon sets
            string full = Path.Combine(root, path);
            string name = Path.GetFileName(path);

            if (entry.EntryType is TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo)
            {
                special++;
                continue;
            }

            bool isDirectory = entry.EntryType == TarEntryType.Directory;
            if (!seen.Add(path) && !(isDirectory && modes.ContainsKey(path)))
                throw EntryPath.Refused(where, "names a path an earlier entry of this layer already wrote (a duplicate entry)", "duplicate");
            if ((Whiteout.Target(name) is not null || Whiteout.IsReserved(name)) && entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                throw EntryPath.Refused(where, "uses the whiteout prefix .wh. but is not a regular file");
            if (Whiteout.Target(name) is { } target && target is "" or "." or "..")
                throw EntryPath.Refused(where, $"is a whiteout of '{target}', which names no entry");

            if ((mode & SetIdBits) != 0)
            {
                setId++;
                mode &= ~SetIdBits;
            }

            Files.Tree.EnsureParents(root, path, where);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    switch (Files.NodeStatus.Of(full).Kind)
                    {
                        case Files.NodeKind.Missing: Directory.CreateDirectory(full); break;
                        case Files.NodeKind.Directory: break; // made earlier as a parent, or the same directory again
                        default: throw EntryPath.Refused(where, "is a directory where an earlier entry of this layer put a file (a duplicate entry)", "duplicate");
                    }

                    modes[path] = mode;
                    break;

                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (Files.NodeStatus.Of(full).Kind != Files.NodeKind.Missing)
                        throw EntryPath.Refused(where, "is a file where an earlier entry of this layer made a directory (a duplicate entry)", "duplicate");
                    if (name == Whiteout.Opaque) opaque++;
                    else if (Whiteout.Target(name) is not null) whiteouts++;
                    else if (Whiteout.IsReserved(name)) continue; // aufs bookkeeping (.wh..wh.plnk and the like): nothing to apply
                    WriteFile(full, Whiteout.Target(name) is null && !Whiteout.IsReserved(name) ? entry.DataStream : null, mode);
                    files.Add(path);
                    break;

                case TarEntryType.SymbolicLink:
                    if (string.IsNullOrEmpty(entry.LinkName) || entry.LinkName.Contains('\0'))
                        throw EntryPath.Refused(where, "is a symlink with an empty target");
                    if (Files.NodeStatus.Of(full).Kind != Files.NodeKind.Missing)
                        throw EntryPath.Refused(where, "is a symlink where an earlier entry of this layer made a directory (a duplicate entry)", "duplicate");
                    // Kept as written, absolute or with '..': it is resolved only inside the guest's own root, never here.
                    File.CreateSymbolicLink(full, entry.LinkName);
                    break;

                case TarEntryType.HardLink:
                    {
                        string linked = entry.LinkName is { Length: > 0 } l && l[0] != '/' && !l.Split('/').Contains("..")
                            ? EntryPath.Normalize(l, where, budget.Limits.MaxPathBytes)
                            : throw EntryPath.Refused(where, $"is a hard link to '{entry.LinkName}', outside the layer", "hard link out of the layer");
                        if (!files.Contains(linked))
                            throw EntryPath.Refused(where, $"is a hard link to '{entry.LinkName}', which no earlier regular-file entry of this layer wrote", "hard link to a missing target");
                        if (Files.NodeStatus.Of(full).Kind != Files.NodeKind.Missing)
                            throw EntryPath.Refused(where, "is a hard link where an earlier entry of this layer made a directory (a duplicate entry)", "duplicate");
                        if (Interop.Libc.Link(Path.Combine(root, linked), full) != 0)
                            throw new IOException($"link {linked} → {path}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                        files.Add(path);
                        links++;
                        break;
                    }

                default:
                    throw EntryPath.Refused(where, $"has tar type {entry.EntryType}, which an image layer does not use");
            }
        }

        return new LayerContents(modes.ToImmutable(), new UnpackReport
        {
            SpecialFilesSkipped = special, SetIdBitsStripped = setId, Whiteouts = whiteouts, OpaqueDirectories = opaque,
            HardLinks = links, Entries = entries,
        });
    }

    /// <summary>Creates a new file (never opening an existing one, so never through a link), writes it, then gives it its mode.</summary>
    private static void WriteFile(string full, Stream? data, int mode)
    {
        using (var file = new FileStream(full, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = WritableFile }))
        {
            data?.CopyTo(file);
        }

        File.SetUnixFileMode(full, (UnixFileMode)mode);
    }
}
