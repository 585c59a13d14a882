using Cordon.Images.Layout;

namespace Cordon.Images;

/// <summary>An image ready to run: its merged root in Cordon's cache (read-only to every guest) and its config.</summary>
/// <param name="Reference">What was asked for.</param>
/// <param name="RootfsPath">The merged root filesystem, an absolute host path.</param>
/// <param name="Config">The image's config (requests the policy may grant or not).</param>
/// <param name="ManifestDigest">The manifest the tag named.</param>
/// <param name="ChainId">The chain id of its layers (the root's cache key).</param>
/// <param name="Report">What unpacking neutralised, over all layers.</param>
/// <param name="FromCache">Whether the root was already in the cache.</param>
public sealed record PreparedImage(ImageReference Reference, string RootfsPath, ImageConfig Config, Digest ManifestDigest, Digest ChainId, UnpackReport Report, bool FromCache);
