using System.Security.Cryptography;

namespace Cordon.Images.Layout;

/// <summary>A <c>sha256:HEX</c> content digest, the only algorithm Cordon accepts (OCI's required one).</summary>
public readonly record struct Digest
{
    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lower-case hex digits.</summary>
    public string Hex { get; }

    /// <summary>Parses <paramref name="text"/>; null when it is not <c>sha256:</c> followed by 64 lower-case hex digits.</summary>
    public static Digest? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("sha256:", StringComparison.Ordinal) || text.Length != 7 + 64) return null;
        foreach (char c in text.AsSpan(7))
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return null;
        }

        return new Digest(text[7..]);
    }

    /// <summary>The digest of <paramref name="hash"/> (32 bytes of SHA-256).</summary>
    public static Digest FromHash(ReadOnlySpan<byte> hash) => new(Convert.ToHexStringLower(hash));

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static Digest Of(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    /// <inheritdoc />
    public override string ToString() => "sha256:" + Hex;
}
