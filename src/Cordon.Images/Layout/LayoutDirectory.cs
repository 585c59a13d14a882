namespace Cordon.Images.Layout;

/// <summary>An OCI image layout directory: <c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/HEX</c>.</summary>
internal sealed class LayoutDirectory(string root) : LayoutSource
{
    public override string Name => root;

    public override Stream? OpenFile(string name) => OpenRegular(Path.Combine(root, name));

    public override Stream? OpenBlob(Digest digest) => OpenRegular(Path.Combine(root, "blobs", "sha256", digest.Hex));

    /// <summary>A regular file, or null when absent. A FIFO or device planted as a blob would block or never end, so anything else is refused before it is opened.</summary>
    private Stream? OpenRegular(string path)
    {
        switch (Files.NodeStatus.Of(path, followLinks: true).Kind)
        {
            case Files.NodeKind.Missing: return null;
            case Files.NodeKind.RegularFile: break;
            default: throw new ImageException(ImageErrorKind.Corrupt, $"{path} is not a regular file", "a layout's documents and blobs are regular files; rebuild the layout");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ImageException(ImageErrorKind.Missing, $"{path} cannot be read: {e.Message}", "make the image readable by the user running cordon", e);
        }

        return stream;
    }
}
