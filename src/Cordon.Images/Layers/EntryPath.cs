using System.Text;

namespace Cordon.Images.Layers;

/// <summary>
/// A tar entry's name made relative and clean (<c>./usr//bin/</c> → <c>usr/bin</c>), or refused: an absolute name, a
/// <c>..</c> component, a NUL or an overlong path never reaches the filesystem.
/// </summary>
internal static class EntryPath
{
    /// <summary>The clean relative path; "" for the layer's root itself (<c>.</c>, <c>./</c> or <c>/</c>).</summary>
    public static string Normalize(string name, string where, int maxBytes)
    {
        if (name.Length == 0) throw Refused(where, "has an empty name");
        if (name.Contains('\0')) throw Refused(where, "has a NUL in its name");
        // "/" alone is the layer's root itself, as umoci insert writes it; any other absolute name is refused.
        if (name[0] == '/' && name.Split('/').Any(part => part is not ("" or ".")))
            throw Refused(where, "has an absolute name; layer entries are relative to the image's root", "path traversal");
        if (Encoding.UTF8.GetByteCount(name) > maxBytes)
            throw new ImageException(ImageErrorKind.LimitExceeded, $"{where} has a name longer than {maxBytes} bytes (the path-length limit)", "this is not a plausible image entry; check the image");
        var parts = new List<string>();
        foreach (string part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..") throw Refused(where, "has a '..' component in its name", "path traversal");
            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    public static ImageException Refused(string where, string problem, string? kind = null)
        => new(ImageErrorKind.Refused, $"{where} {problem}{(kind is null ? "" : $" ({kind})")}; Cordon refuses the layer",
            "the image is malformed or hostile; do not run it. Rebuild it with a standard tool (buildah, docker build, umoci)");
}
