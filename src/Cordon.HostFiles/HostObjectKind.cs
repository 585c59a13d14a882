namespace Cordon.HostFiles;

/// <summary>What a host path that a caller names turned out to be.</summary>
public enum HostObjectKind
{
    /// <summary>A regular file.</summary>
    RegularFile,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>Anything else: a FIFO, a socket, a device. Never handed to a run.</summary>
    Other,
}
