using System.Collections.Immutable;
using System.Text.Json;

namespace Cordon.Images.Layout;

/// <summary>An OCI content descriptor: what a blob is, its digest and its exact size.</summary>
/// <param name="MediaType">The blob's media type.</param>
/// <param name="Digest">Its sha256 digest.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Annotations">Its annotations (the tag is <c>org.opencontainers.image.ref.name</c>).</param>
public sealed record Descriptor(string MediaType, Digest Digest, long Size, ImmutableSortedDictionary<string, string> Annotations)
{
    /// <summary>The annotation that names a tag in an index.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>The tag, or null.</summary>
    public string? RefName => Annotations.GetValueOrDefault(RefNameAnnotation);

    /// <summary>Reads a descriptor object; <paramref name="where"/> names it in errors.</summary>
    internal static Descriptor Read(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Documents.Corrupt($"{where} is not a descriptor object");
        string mediaType = Documents.String(element, "mediaType", where) ?? "";
        string digestText = Documents.String(element, "digest", where) ?? throw Documents.Corrupt($"{where} has no digest");
        Digest digest = Digest.TryParse(digestText) ?? throw Documents.Corrupt($"{where} has digest '{digestText}', which is not sha256 followed by 64 lower-case hex digits");
        if (!element.TryGetProperty("size", out JsonElement size) || size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out long bytes) || bytes < 0)
            throw Documents.Corrupt($"{where} has no valid size");
        var annotations = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("annotations", out JsonElement map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in map.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String) annotations[p.Name] = p.Value.GetString()!;
            }
        }

        return new Descriptor(mediaType, digest, bytes, annotations.ToImmutable());
    }
}
