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

    /// <summary>
    /// Lets a file's <c>extends</c> name a policy file outside the directory of the file that names it. Off by default:
    /// a policy a tenant or a guest could have written must not be able to pull in (and have error messages quote) files
    /// elsewhere on the host.
    /// </summary>
    public bool AllowExtendsOutsideDirectory { get; init; }

    /// <summary>Largest policy file read, in bytes.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static PolicyFileOptions Default { get; } = new();

    internal string ResolvedBaseDirectory => Path.GetFullPath(BaseDirectory ?? Environment.CurrentDirectory);
}
