using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Cordon.Images.Tests.Support;

/// <summary>Writes an OCI image layout by hand from layer tars, for images no build tool would make.</summary>
public static class TestLayout
{
    public enum Compression { None, Gzip, Zstd }

    /// <summary>A layout at <paramref name="directory"/> with one image tagged <paramref name="tag"/>, whose layers are <paramref name="layers"/> (base first).</summary>
    public static string Write(string directory, string tag, IEnumerable<byte[]> layers, Compression compression = Compression.Gzip, string configExtra = "")
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        List<string> layerDescriptors = [], diffIds = [];
        foreach (byte[] tar in layers)
        {
            diffIds.Add($"\"{Digest(tar)}\"");
            byte[] blob = compression switch
            {
                Compression.Gzip => Gzip(tar),
                Compression.Zstd => new ZstdSharp.Compressor().Wrap(tar).ToArray(),
                _ => tar,
            };
            string mediaType = "application/vnd.oci.image.layer.v1.tar" + compression switch { Compression.Gzip => "+gzip", Compression.Zstd => "+zstd", _ => "" };
            layerDescriptors.Add(Descriptor(mediaType, Blob(directory, blob), blob.Length));
        }

        byte[] config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]{{{configExtra}}}},"rootfs":{"type":"layers","diff_ids":[{{{string.Join(",", diffIds)}}}]}}""");
        byte[] manifest = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{{Descriptor("application/vnd.oci.image.config.v1+json", Blob(directory, config), config.Length)}}},"layers":[{{{string.Join(",", layerDescriptors)}}}]}""");
        string manifestDigest = Blob(directory, manifest);
        File.WriteAllText(Path.Combine(directory, "index.json"),
            $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}""");
        return directory;
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string BlobPath(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    private static string Blob(string directory, byte[] content)
    {
        string digest = Digest(content);
        File.WriteAllBytes(BlobPath(directory, digest), content);
        return digest;
    }

    private static string Descriptor(string mediaType, string digest, long size) => $$"""{"mediaType":"{{mediaType}}","digest":"{{digest}}","size":{{size}}}""";

    private static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }
}
