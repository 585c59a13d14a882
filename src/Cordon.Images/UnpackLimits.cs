namespace Cordon.Images;

/// <summary>
/// Bounds on what one image may unpack to, so that a tar bomb (a small blob that inflates without end, or millions of
/// tiny entries) fails with an error naming the limit instead of filling the disk. Every limit is finite.
/// </summary>
public sealed record UnpackLimits
{
    /// <summary>The defaults: 8 GiB uncompressed across all layers, a million entries, 4 MiB per JSON document, 4096-byte paths.</summary>
    public static UnpackLimits Default { get; } = new();

    /// <summary>Uncompressed bytes of all layers together (tar headers and padding included).</summary>
    public long MaxTotalBytes { get; init; } = 8L << 30;

    /// <summary>Entries of all layers together (and of an archive's own listing).</summary>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>Size of one index, manifest or config.</summary>
    public long MaxDocumentBytes { get; init; } = 4L << 20;

    /// <summary>Length of one entry's path, in UTF-8 bytes (Linux's PATH_MAX).</summary>
    public int MaxPathBytes { get; init; } = 4096;
}
