namespace Cordon.PolicyFiles;

/// <summary>How policy files are read.</summary>
public sealed record PolicyFileOptions
{
    /// <summary>
    /// The directory relative host paths (<c>workdir</c>, <c>mounts[].host</c>) are resolved against, as the command-line
    /// flags resolve theirs; null means the current directory at load time. Relative <c>extends</c> paths are resolved
    /// against the directory of the file that names them instead.
    /// </summary>
    public string? BaseDirectory { get; init; }

    /// <summary>The defaults.</summary>
    public static PolicyFileOptions Default { get; } = new();

    internal string ResolvedBaseDirectory => Path.GetFullPath(BaseDirectory ?? Environment.CurrentDirectory);
}
