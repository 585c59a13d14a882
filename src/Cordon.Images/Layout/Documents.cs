using System.Collections.Immutable;
using System.Text.Json;

namespace Cordon.Images.Layout;

/// <summary>Reading the layout's small JSON documents (index, manifests, config): bounded, strict about types, one error per problem.</summary>
internal static class Documents
{
    public static ImageException Corrupt(string message)
        => new(ImageErrorKind.Corrupt, message, "the image is damaged or not an OCI image; rebuild or re-export it (e.g. skopeo copy ... oci:DIR:TAG, umoci, or buildah push ... oci:DIR)");

    public static JsonDocument Parse(byte[] content, string where)
    {
        try
        {
            return JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new ImageException(ImageErrorKind.Corrupt, $"{where} is not valid JSON: {e.Message}", "the image is damaged; rebuild or re-export it", e);
        }
    }

    public static string? String(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw Corrupt($"{where}: '{name}' is not a string");
        return value.GetString();
    }

    public static ImmutableArray<string> Strings(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array) throw Corrupt($"{where}: '{name}' is not an array of strings");
        var items = ImmutableArray.CreateBuilder<string>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Corrupt($"{where}: '{name}' holds a non-string");
            items.Add(item.GetString()!);
        }

        return items.ToImmutable();
    }
}
