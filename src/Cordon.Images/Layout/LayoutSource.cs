namespace Cordon.Images.Layout;

/// <summary>
/// Where an image's blobs are read from: an OCI image layout directory or an <c>oci-archive</c> tar of one. A source
/// hands out raw, unverified bytes; <see cref="VerifyingStream"/> checks each blob against its descriptor as it is read.
/// </summary>
internal abstract class LayoutSource : IDisposable
{
    /// <summary>The layout at <paramref name="path"/>: a directory, or a tar archive of one.</summary>
    public static LayoutSource Open(string path, UnpackLimits limits)
    {
        if (Directory.Exists(path)) return new LayoutDirectory(path);
        if (File.Exists(path)) return new LayoutArchive(path, limits);
        throw new ImageException(ImageErrorKind.Missing, $"image '{path}' does not exist",
            "give an OCI image layout directory (index.json, oci-layout, blobs/sha256/...) or an oci-archive tar, e.g. from skopeo copy docker://alpine oci:/srv/alpine:latest");
    }

    /// <summary>How the source is named in errors.</summary>
    public abstract string Name { get; }

    /// <summary>A top-level file (index.json, oci-layout), or null when absent.</summary>
    public abstract Stream? OpenFile(string name);

    /// <summary>The raw bytes of blob <paramref name="digest"/>, or null when the layout has no such blob.</summary>
    public abstract Stream? OpenBlob(Digest digest);

    /// <summary>The whole of a small top-level file, bounded by <paramref name="maxBytes"/>; null when absent.</summary>
    public byte[]? ReadFile(string name, long maxBytes)
    {
        using Stream? stream = OpenFile(name);
        if (stream is null) return null;
        var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes)
                throw new ImageException(ImageErrorKind.LimitExceeded, $"{Name}: {name} is larger than the {maxBytes}-byte limit for a layout document", "this is not a plausible OCI index; check the image");
        }

        return buffer.ToArray();
    }

    /// <summary>The whole of blob <paramref name="descriptor"/>, verified (a manifest or a config: bounded by <paramref name="maxBytes"/>).</summary>
    public byte[] ReadBlob(Descriptor descriptor, long maxBytes, string what)
    {
        if (descriptor.Size > maxBytes)
            throw new ImageException(ImageErrorKind.LimitExceeded, $"{Name}: the {what} {descriptor.Digest} is {descriptor.Size} bytes, above the {maxBytes}-byte limit for a document", "this is not a plausible OCI document; check the image");
        using VerifyingStream stream = OpenVerified(descriptor, what);
        byte[] content = new byte[descriptor.Size];
        stream.ReadExactly(content);
        stream.Finish();
        return content;
    }

    /// <summary>
    /// Reads all of blob <paramref name="descriptor"/> without interpreting it and checks its size and digest, so that
    /// no decompressor or tar reader ever sees bytes that do not match their name (a damaged or altered layer is then
    /// always reported as that, never as whatever its garbled content happens to look like).
    /// </summary>
    public void Verify(Descriptor descriptor, string what, string? label = null)
    {
        using VerifyingStream stream = OpenVerified(descriptor, what, label);
        stream.Finish();
    }

    /// <summary>Blob <paramref name="descriptor"/> through a stream that checks its size as it goes and its digest at <see cref="VerifyingStream.Finish"/>.</summary>
    /// <remarks>Errors name the blob as <paramref name="label"/> when given (for example "image:tag: layer 0 (sha256:…)").</remarks>
    public VerifyingStream OpenVerified(Descriptor descriptor, string what, string? label = null)
    {
        Stream raw = OpenBlob(descriptor.Digest) ?? throw new ImageException(ImageErrorKind.Missing,
            $"{Name}: the {what} blob {descriptor.Digest} is missing (blobs/sha256/{descriptor.Digest.Hex})", "the layout is incomplete; re-export the image with all its blobs");
        return new VerifyingStream(raw, descriptor, label ?? $"{Name}: the {what} blob {descriptor.Digest}");
    }

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}
