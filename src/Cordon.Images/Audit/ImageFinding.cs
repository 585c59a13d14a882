namespace Cordon.Images.Audit;

/// <summary>What kind of thing an image brings that the policy must account for.</summary>
public enum ImageFindingKind
{
    /// <summary>A setuid or setgid file (Cordon removes the bits when it unpacks).</summary>
    SetIdFile,

    /// <summary>A directory anyone may write to.</summary>
    WorldWritableDirectory,

    /// <summary>A device node, FIFO or socket (Cordon skips them when it unpacks).</summary>
    DeviceNode,

    /// <summary>The image's command or config suggests it needs the network.</summary>
    NeedsNetwork,

    /// <summary>An environment variable of the config that looks like a secret.</summary>
    SecretEnvironment,

    /// <summary>The config asks to run as root.</summary>
    RunsAsRoot,
}

/// <summary>One thing an image brings.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Subject">The path, variable name or command concerned.</param>
/// <param name="Detail">Why it is reported and what Cordon does about it.</param>
/// <param name="Layer">The layer index it comes from; null for the config.</param>
public sealed record ImageFinding(ImageFindingKind Kind, string Subject, string Detail, int? Layer = null);
