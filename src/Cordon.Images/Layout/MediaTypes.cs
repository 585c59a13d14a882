namespace Cordon.Images.Layout;

/// <summary>The media types Cordon reads (OCI's, and Docker's equivalents that OCI layouts still carry).</summary>
internal static class MediaTypes
{
    public const string Index = "application/vnd.oci.image.index.v1+json";
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    public static bool IsIndex(string mediaType) => mediaType is Index or DockerManifestList;

    public static bool IsManifest(string mediaType) => mediaType is Manifest or DockerManifest;

    /// <summary>A layer's compression, or null for a media type that is not a layer Cordon can unpack.</summary>
    public static LayerCompression? Compression(string mediaType) => mediaType switch
    {
        "application/vnd.oci.image.layer.v1.tar" or "application/vnd.oci.image.layer.nondistributable.v1.tar" => LayerCompression.None,
        "application/vnd.oci.image.layer.v1.tar+gzip" or "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            or "application/vnd.docker.image.rootfs.diff.tar.gzip" or "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => LayerCompression.Gzip,
        "application/vnd.oci.image.layer.v1.tar+zstd" or "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" => LayerCompression.Zstd,
        _ => null,
    };
}

/// <summary>How a layer blob is compressed.</summary>
public enum LayerCompression
{
    /// <summary>A plain tar.</summary>
    None,

    /// <summary>tar+gzip.</summary>
    Gzip,

    /// <summary>tar+zstd.</summary>
    Zstd,
}
