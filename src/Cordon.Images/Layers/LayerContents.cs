using System.Collections.Immutable;

namespace Cordon.Images.Layers;

/// <summary>
/// One unpacked layer: its tree (whiteouts kept as empty <c>.wh.</c> files, to be applied when layers are merged) and
/// the modes its directories asked for. Directories stay owner-writable in the cache so the merge can read them; their
/// modes are applied to the merged root only.
/// </summary>
/// <param name="DirectoryModes">Permission bits per directory path written in the layer (setuid and setgid removed).</param>
/// <param name="Report">What the layer's unpacking neutralised.</param>
internal sealed record LayerContents(ImmutableSortedDictionary<string, int> DirectoryModes, UnpackReport Report);
