namespace Cordon.Images;

/// <summary>What went wrong with an image, so that a caller can tell a typo from a hostile or damaged image.</summary>
public enum ImageErrorKind
{
    /// <summary>The path, the tag or a blob is not there.</summary>
    Missing,

    /// <summary>A document does not parse, a digest or size does not match, or a format is not one Cordon reads.</summary>
    Corrupt,

    /// <summary>A layer holds something Cordon refuses to unpack (a path out of the root, a link out of the layer, a sparse file...).</summary>
    Refused,

    /// <summary>An unpack limit was reached (total bytes, entries, a document's size): a tar bomb or an image too big for the limits.</summary>
    LimitExceeded,

    /// <summary>The cache directory cannot be trusted or written (wrong owner, group- or world-writable, no space).</summary>
    Cache,
}

/// <summary>An image Cordon cannot use: one precise message (what, where) and how to fix it.</summary>
public sealed class ImageException : Exception
{
    /// <summary>An error of <paramref name="kind"/>.</summary>
    public ImageException(ImageErrorKind kind, string message, string fix, Exception? inner = null) : base(message, inner)
    {
        Kind = kind;
        Fix = fix;
    }

    /// <summary>Which kind of problem.</summary>
    public ImageErrorKind Kind { get; }

    /// <summary>What the user can do about it.</summary>
    public string Fix { get; }
}
