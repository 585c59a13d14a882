using System.Collections.Immutable;
using System.Text.Json;

namespace Cordon.Images.Cache;

/// <summary>
/// The file that makes a cache entry usable: written last, inside the entry, before the entry is renamed into place.
/// It records the digest the entry was built from (the layer's blob digest, or the image's chain id) and the digest of
/// the tree as built; an entry whose marker is missing, unreadable or names another digest is never used.
/// </summary>
internal sealed record CacheMarker
{
    public const string FileName = "cordon-entry.json";
    private const string Format = "cordon.image-cache/1";

    /// <summary>The key the entry was built for.</summary>
    public required string Digest { get; init; }

    /// <summary>A layer's diff_id (its uncompressed digest), checked against the config of each image that uses it; "" for a root.</summary>
    public string DiffId { get; init; } = "";

    /// <summary><see cref="TreeDigest"/> of the entry's tree when it was built.</summary>
    public required string Tree { get; init; }

    /// <summary>A layer's directory modes (applied when roots are merged).</summary>
    public ImmutableSortedDictionary<string, int> DirectoryModes { get; init; } = ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>What unpacking neutralised.</summary>
    public UnpackReport Report { get; init; } = new();

    public void Write(string entryDirectory)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("digest", Digest);
            json.WriteString("diff_id", DiffId);
            json.WriteString("tree", Tree);
            json.WriteStartObject("directory_modes");
            foreach (var (path, mode) in DirectoryModes) json.WriteNumber(path, mode);
            json.WriteEndObject();
            json.WriteStartObject("report");
            json.WriteNumber("special_files_skipped", Report.SpecialFilesSkipped);
            json.WriteNumber("setid_bits_stripped", Report.SetIdBitsStripped);
            json.WriteNumber("whiteouts", Report.Whiteouts);
            json.WriteNumber("opaque_directories", Report.OpaqueDirectories);
            json.WriteNumber("hard_links", Report.HardLinks);
            json.WriteNumber("entries", Report.Entries);
            json.WriteNumber("bytes", Report.Bytes);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        File.WriteAllBytes(Path.Combine(entryDirectory, FileName), buffer.ToArray());
    }

    /// <summary>The entry's marker, or null when it has none, cannot be read, or was not built for <paramref name="digest"/>.</summary>
    public static CacheMarker? Read(string entryDirectory, string digest)
    {
        string path = Path.Combine(entryDirectory, FileName);
        if (Files.NodeStatus.Of(path).Kind != Files.NodeKind.RegularFile) return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (Text(root, "format") != Format || Text(root, "digest") != digest) return null;
            var modes = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
            foreach (JsonProperty p in root.GetProperty("directory_modes").EnumerateObject()) modes[p.Name] = p.Value.GetInt32();
            JsonElement r = root.GetProperty("report");
            return new CacheMarker
            {
                Digest = digest,
                DiffId = Text(root, "diff_id") ?? "",
                Tree = Text(root, "tree") ?? "",
                DirectoryModes = modes.ToImmutable(),
                Report = new UnpackReport
                {
                    SpecialFilesSkipped = r.GetProperty("special_files_skipped").GetInt32(),
                    SetIdBitsStripped = r.GetProperty("setid_bits_stripped").GetInt32(),
                    Whiteouts = r.GetProperty("whiteouts").GetInt32(),
                    OpaqueDirectories = r.GetProperty("opaque_directories").GetInt32(),
                    HardLinks = r.GetProperty("hard_links").GetInt32(),
                    Entries = r.GetProperty("entries").GetInt32(),
                    Bytes = r.GetProperty("bytes").GetInt64(),
                },
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
