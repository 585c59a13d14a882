namespace Cordon.Images.Layers;

/// <summary>
/// The OCI layer whiteouts: <c>.wh.NAME</c> deletes NAME from the layers below, <c>.wh..wh..opq</c> hides everything
/// the layers below put in its directory. Both apply to lower layers only, never to their own layer's entries.
/// </summary>
internal static class Whiteout
{
    public const string Prefix = ".wh.";
    public const string Opaque = ".wh..wh..opq";

    /// <summary>The name a whiteout file deletes, or null when <paramref name="name"/> is not a whiteout.</summary>
    public static string? Target(string name)
        => name.StartsWith(Prefix, StringComparison.Ordinal) && !name.StartsWith(Prefix + Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : null;

    /// <summary>Whether <paramref name="name"/> is one of the reserved <c>.wh..wh.</c> names (opaque marker, or aufs bookkeeping to ignore).</summary>
    public static bool IsReserved(string name) => name.StartsWith(Prefix + Prefix, StringComparison.Ordinal);
}
