using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Cordon.Images.Layout;

/// <summary>One image of a layout, every document verified: the manifest, its config and its layers' descriptors.</summary>
/// <param name="ManifestDigest">The manifest's digest.</param>
/// <param name="Config">The parsed config.</param>
/// <param name="Layers">The layers, base first.</param>
internal sealed record ImageManifest(Digest ManifestDigest, ImageConfig Config, ImmutableArray<Descriptor> Layers)
{
    /// <summary>Picks the image tagged <paramref name="tag"/> (or the only one) from the layout's index and reads its manifest and config.</summary>
    public static ImageManifest Read(LayoutSource source, string? tag, UnpackLimits limits)
    {
        byte[] layout = source.ReadFile("oci-layout", limits.MaxDocumentBytes) ?? throw new ImageException(ImageErrorKind.Missing,
            $"{source.Name} is not an OCI image layout: it has no oci-layout file", "give an OCI image layout (a directory with oci-layout, index.json and blobs/) or an oci-archive tar of one");
        using (JsonDocument version = Documents.Parse(layout, $"{source.Name}/oci-layout"))
        {
            if (version.RootElement.ValueKind != JsonValueKind.Object || Documents.String(version.RootElement, "imageLayoutVersion", "oci-layout") is not { } v || !v.StartsWith("1.", StringComparison.Ordinal))
                throw Documents.Corrupt($"{source.Name}/oci-layout does not declare imageLayoutVersion 1.x");
        }

        byte[] index = source.ReadFile("index.json", limits.MaxDocumentBytes) ?? throw new ImageException(ImageErrorKind.Missing,
            $"{source.Name} has no index.json", "the layout is incomplete; re-export the image");
        Descriptor chosen = Choose(Manifests(index, $"{source.Name}/index.json"), tag, source.Name);
        // A tag may name an index of per-platform manifests (one level, as registries publish them).
        if (MediaTypes.IsIndex(chosen.MediaType))
        {
            byte[] nested = source.ReadBlob(chosen, limits.MaxDocumentBytes, "index");
            chosen = ChoosePlatform(Manifests(nested, $"index {chosen.Digest}"), source.Name, chosen.Digest);
        }

        if (!MediaTypes.IsManifest(chosen.MediaType))
            throw Documents.Corrupt($"{source.Name}: {chosen.Digest} has media type '{chosen.MediaType}', not an image manifest");

        byte[] manifest = source.ReadBlob(chosen, limits.MaxDocumentBytes, "manifest");
        string where = $"{source.Name}: manifest {chosen.Digest}";
        using JsonDocument document = Documents.Parse(manifest, where);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("config", out JsonElement configElement))
            throw Documents.Corrupt($"{where} has no config descriptor");
        Descriptor config = Descriptor.Read(configElement, $"{where} config");
        if (!root.TryGetProperty("layers", out JsonElement layersElement) || layersElement.ValueKind != JsonValueKind.Array)
            throw Documents.Corrupt($"{where} has no layers array");
        ImmutableArray<Descriptor> layers = [.. layersElement.EnumerateArray().Select((l, i) => Descriptor.Read(l, $"{where} layer {i}"))];
        for (int i = 0; i < layers.Length; i++)
        {
            if (MediaTypes.Compression(layers[i].MediaType) is null)
                throw new ImageException(ImageErrorKind.Corrupt, $"{where}: layer {i} has media type '{layers[i].MediaType}', which is not a tar layer Cordon unpacks",
                    "Cordon reads OCI layers as tar, tar+gzip or tar+zstd (and Docker's tar.gzip); convert the image, e.g. skopeo copy --dest-compress-format gzip");
        }

        ImageConfig parsed = ImageConfig.Read(source.ReadBlob(config, limits.MaxDocumentBytes, "config"), $"{source.Name}: config {config.Digest}");
        if (parsed.DiffIds.Length != layers.Length)
            throw Documents.Corrupt($"{where} lists {layers.Length} layers but its config has {parsed.DiffIds.Length} diff_ids");
        return new ImageManifest(chosen.Digest, parsed, layers);
    }

    private static ImmutableArray<Descriptor> Manifests(byte[] content, string where)
    {
        using JsonDocument document = Documents.Parse(content, where);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("manifests", out JsonElement manifests) || manifests.ValueKind != JsonValueKind.Array)
            throw Documents.Corrupt($"{where} has no manifests array");
        return [.. manifests.EnumerateArray().Select((m, i) =>
        {
            Descriptor descriptor = Descriptor.Read(m, $"{where} manifests[{i}]");
            return Platform(m) is { } platform ? descriptor with { Annotations = descriptor.Annotations.SetItem(PlatformKey, platform) } : descriptor;
        })];
    }

    private const string PlatformKey = "cordon.platform";

    private static string? Platform(JsonElement manifest)
        => manifest.TryGetProperty("platform", out JsonElement p) && p.ValueKind == JsonValueKind.Object
            ? $"{Documents.String(p, "os", "platform")}/{Documents.String(p, "architecture", "platform")}"
            : null;

    private static Descriptor Choose(ImmutableArray<Descriptor> manifests, string? tag, string name)
    {
        string tags = string.Join(", ", manifests.Select(m => m.RefName).Where(t => t is not null).Distinct());
        if (tag is null)
        {
            if (manifests.Length == 1) return manifests[0];
            throw new ImageException(ImageErrorKind.Missing, manifests.Length == 0 ? $"{name} holds no image" : $"{name} holds {manifests.Length} images; say which",
                manifests.Length == 0 ? "the layout is empty; export an image into it" : $"add a tag: {name}:TAG (tags here: {(tags.Length == 0 ? "none" : tags)})");
        }

        Descriptor[] matches = [.. manifests.Where(m => m.RefName == tag)];
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new ImageException(ImageErrorKind.Missing, $"{name} has no image tagged '{tag}'", $"use one of its tags: {(tags.Length == 0 ? "(none; drop the tag)" : tags)}"),
            _ => throw Documents.Corrupt($"{name}: the tag '{tag}' names {matches.Length} images"),
        };
    }

    private static Descriptor ChoosePlatform(ImmutableArray<Descriptor> manifests, string name, Digest index)
    {
        string wanted = "linux/" + RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        Descriptor[] matches = [.. manifests.Where(m => m.Annotations.GetValueOrDefault(PlatformKey) == wanted)];
        if (matches.Length >= 1) return matches[0];
        if (manifests.Length == 1) return manifests[0];
        throw new ImageException(ImageErrorKind.Missing, $"{name}: index {index} has no {wanted} image",
            $"its platforms: {string.Join(", ", manifests.Select(m => m.Annotations.GetValueOrDefault(PlatformKey) ?? "?"))}; export the {wanted} image");
    }
}
