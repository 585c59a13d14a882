using System.Formats.Tar;

namespace Cordon.Images.Layout;

/// <summary>
/// An <c>oci-archive</c>: a tar of an image layout. Its entries are indexed once (name → data offset and length), then
/// each blob is read in place, never extracted.
/// </summary>
internal sealed class LayoutArchive : LayoutSource
{
    private readonly string _path;
    private readonly FileStream _archive;
    private readonly Dictionary<string, (long Offset, long Length)> _entries = new(StringComparer.Ordinal);

    public LayoutArchive(string path, UnpackLimits limits)
    {
        _path = path;
        if (Files.NodeStatus.Of(path, followLinks: true).Kind != Files.NodeKind.RegularFile)
            throw new ImageException(ImageErrorKind.Corrupt, $"image '{path}' is neither a directory nor a regular file", "give an OCI layout directory or an oci-archive tar");
        _archive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            using var reader = new TarReader(_archive, leaveOpen: true);
            int count = 0;
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++count > limits.MaxEntries)
                    throw new ImageException(ImageErrorKind.LimitExceeded, $"{path}: the archive has more than {limits.MaxEntries} entries (the entry limit)", "this is not a plausible oci-archive; check the image");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                _entries[name] = (entry.DataOffset, entry.Length);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            _archive.Dispose();
            throw new ImageException(ImageErrorKind.Corrupt, $"{path} is not a readable tar archive: {e.Message}", "give an OCI layout directory or an oci-archive tar (skopeo copy ... oci-archive:FILE)", e);
        }
        catch
        {
            _archive.Dispose();
            throw;
        }
    }

    public override string Name => _path;

    public override Stream? OpenFile(string name) => Open(name);

    public override Stream? OpenBlob(Digest digest) => Open("blobs/sha256/" + digest.Hex);

    private Stream? Open(string name)
        => _entries.TryGetValue(name, out var at) ? new ArchiveEntryStream(_archive, at.Offset, at.Length) : null;

    public override void Dispose() => _archive.Dispose();
}
