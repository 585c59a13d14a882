namespace Cordon.Images;

/// <summary>
/// <c>PATH[:TAG]</c>: an OCI image layout directory or an <c>oci-archive</c> tar, and the tag to pick from its index
/// (its <c>org.opencontainers.image.ref.name</c> annotation). Without a tag the index must hold exactly one image.
/// </summary>
/// <param name="Path">The layout directory or archive on the host.</param>
/// <param name="Tag">The tag, or null.</param>
public sealed record ImageReference(string Path, string? Tag)
{
    /// <summary>Splits <paramref name="text"/> at its last ':' when what follows is a tag (no '/'), so <c>/srv/img:v1</c> and <c>/srv/img</c> both read.</summary>
    public static ImageReference Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        int colon = text.LastIndexOf(':');
        if (colon > 0 && colon < text.Length - 1 && !text.AsSpan(colon + 1).Contains('/'))
            return new ImageReference(text[..colon], text[(colon + 1)..]);
        return new ImageReference(colon == text.Length - 1 ? text[..^1] : text, null);
    }

    /// <inheritdoc />
    public override string ToString() => Tag is null ? Path : $"{Path}:{Tag}";
}
