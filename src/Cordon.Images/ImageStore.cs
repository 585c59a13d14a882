using System.Security.Cryptography;
using System.Text;
using Cordon.Images.Cache;
using Cordon.Images.Layers;
using Cordon.Images.Layout;

namespace Cordon.Images;

/// <summary>
/// Turns an OCI image (layout directory or archive) into a root filesystem a tier can mount read-only: every blob is
/// verified, each layer is unpacked once into Cordon's cache (keyed by its digest) and the layers are merged into one
/// root per chain id. Nothing from the image is trusted before its digest is checked, and no cache entry is trusted
/// unless its marker names the digest it is used for.
/// </summary>
public sealed class ImageStore
{
    private readonly ImageCache _cache;
    private readonly UnpackLimits _limits;
    private readonly bool _rehash;

    /// <summary>A store in <paramref name="cacheDirectory"/> (see <see cref="DefaultCacheDirectory"/>).</summary>
    /// <param name="cacheDirectory">The cache's directory; created owner-only when missing.</param>
    /// <param name="limits">Bounds on what an image may unpack to (default <see cref="UnpackLimits.Default"/>).</param>
    /// <param name="rehashEntries">Recompute each cache entry's tree digest before using it, not only its marker's key (slower; catches an edited entry).</param>
    public ImageStore(string cacheDirectory, UnpackLimits? limits = null, bool rehashEntries = false)
    {
        _cache = new ImageCache(cacheDirectory);
        _limits = limits ?? UnpackLimits.Default;
        _rehash = rehashEntries;
    }

    /// <summary>The cache directory.</summary>
    public string CacheDirectory => _cache.Directory;

    /// <summary>
    /// <c>$XDG_CACHE_HOME/cordon/images</c>, else <c>$HOME/.cache/cordon/images</c>; for root without XDG_CACHE_HOME,
    /// <c>/var/cache/cordon/images</c> (root's home is not traversable by the per-run uids its guests run as). Null
    /// when none is usable.
    /// </summary>
    public static string? DefaultCacheDirectory()
    {
        string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root) && Interop.Libc.GetEuid() == 0) return "/var/cache/cordon/images";
        if (string.IsNullOrEmpty(root) || !Path.IsPathFullyQualified(root))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? "";
            if (home.Length == 0 || !Path.IsPathFullyQualified(home)) return null;
            root = Path.Combine(home, ".cache");
        }

        return Path.Combine(root, "cordon", "images");
    }

    /// <summary>Reads <paramref name="reference"/>'s manifest and config (verified) without unpacking anything.</summary>
    public ImageConfig ReadConfig(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        using LayoutSource source = LayoutSource.Open(reference.Path, _limits);
        return ImageManifest.Read(source, reference.Tag, _limits).Config;
    }

    /// <summary>The image's merged root, from the cache or built now.</summary>
    public PreparedImage Prepare(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        using LayoutSource source = LayoutSource.Open(reference.Path, _limits);
        ImageManifest image = ImageManifest.Read(source, reference.Tag, _limits);
        Digest chainId = ChainId(image.Config.DiffIds);
        _cache.EnsureTrusted();
        _cache.SweepAbandonedBuilds();
        if (_cache.Find(_cache.Roots, chainId.ToString(), _rehash) is { } cached)
            return new PreparedImage(reference, Path.Combine(_cache.EntryPath(_cache.Roots, chainId.ToString()), ImageCache.TreeName), image.Config, image.ManifestDigest, chainId, cached.Report, FromCache: true);

        var budget = new UnpackBudget(_limits);
        List<(string Root, LayerContents Contents)> layers = [];
        UnpackReport total = new();
        for (int i = 0; i < image.Layers.Length; i++)
        {
            Descriptor layer = image.Layers[i];
            Digest diffId = image.Config.DiffIds[i];
            CacheMarker? found = _cache.Find(_cache.Layers, layer.Digest.ToString(), _rehash);
            if (found is not null && found.DiffId != diffId.ToString())
            {
                // Built for this blob but recorded with another diff_id: not the layer this config describes.
                Files.Tree.Remove(_cache.EntryPath(_cache.Layers, layer.Digest.ToString()));
                found = null;
            }

            CacheMarker marker = found ?? UnpackLayer(source, layer, diffId, budget, $"{reference}: layer {i} ({layer.Digest})");
            layers.Add((Path.Combine(_cache.EntryPath(_cache.Layers, layer.Digest.ToString()), ImageCache.TreeName), new LayerContents(marker.DirectoryModes, marker.Report)));
            total += marker.Report;
        }

        string build = _cache.NewBuildDirectory();
        try
        {
            string tree = Path.Combine(build, ImageCache.TreeName);
            Directory.CreateDirectory(tree);
            LayerMerger.Merge(layers, tree);
            new CacheMarker { Digest = chainId.ToString(), Tree = TreeDigest.Compute(tree), Report = total }.Write(build);
            _cache.Commit(build, _cache.Roots, chainId.ToString());
        }
        catch
        {
            Files.Tree.Remove(build);
            throw;
        }

        return new PreparedImage(reference, Path.Combine(_cache.EntryPath(_cache.Roots, chainId.ToString()), ImageCache.TreeName), image.Config, image.ManifestDigest, chainId, total, FromCache: false);
    }

    /// <summary>Unpacks one layer into a build directory, verifies both digests, records its marker and moves it into place.</summary>
    private CacheMarker UnpackLayer(LayoutSource source, Descriptor layer, Digest diffId, UnpackBudget budget, string where)
    {
        string build = _cache.NewBuildDirectory();
        try
        {
            string tree = Path.Combine(build, ImageCache.TreeName);
            Directory.CreateDirectory(tree);
            LayerContents contents;
            long bytes;
            using (var stream = new LayerStream(source, layer, diffId, budget, where))
            {
                contents = LayerUnpacker.Unpack(stream, tree, where, budget);
                stream.Finish();
                bytes = stream.BytesRead;
            }

            var marker = new CacheMarker
            {
                Digest = layer.Digest.ToString(),
                DiffId = diffId.ToString(),
                Tree = TreeDigest.Compute(tree),
                DirectoryModes = contents.DirectoryModes,
                Report = contents.Report with { Bytes = bytes },
            };
            marker.Write(build);
            _cache.Commit(build, _cache.Layers, layer.Digest.ToString());
            return marker;
        }
        catch
        {
            Files.Tree.Remove(build);
            throw;
        }
    }

    /// <summary>OCI's chain id: the first diff_id, then sha256 of "previous-chain-id diff_id" for each next layer.</summary>
    internal static Digest ChainId(IReadOnlyList<Digest> diffIds)
    {
        if (diffIds.Count == 0) return Digest.Of([]);
        Digest chain = diffIds[0];
        for (int i = 1; i < diffIds.Count; i++) chain = Digest.FromHash(SHA256.HashData(Encoding.ASCII.GetBytes($"{chain} {diffIds[i]}")));
        return chain;
    }
}
