using System.Collections.Concurrent;

namespace Cordon.Selftest.Harness;

/// <summary>One process of a run, as the host saw it while the run was alive.</summary>
/// <param name="Pid">Host pid.</param>
/// <param name="StartTime">Field 22 of /proc/PID/stat, to tell the process from a later one with the same pid.</param>
/// <param name="CommandLine">Its arguments, NULs as spaces (untrusted: the guest chose some of them).</param>
/// <param name="Namespaces">Namespace links (<c>mnt:[4026…]</c>) by kind, where readable.</param>
internal sealed record ObservedProcess(int Pid, string StartTime, string CommandLine, IReadOnlyDictionary<string, string> Namespaces)
{
    /// <summary>Whether this is a guest process rather than the launch chain (bwrap, cordon-launch).</summary>
    public bool IsGuest => !CommandLine.Contains("bwrap ", StringComparison.Ordinal) && !CommandLine.Contains("cordon-launch", StringComparison.Ordinal)
        && !CommandLine.StartsWith("/.cordon/launch", StringComparison.Ordinal);
}

/// <summary>What the host saw of one probe's run: its processes and its cgroup(s), found by the probe's nonce.</summary>
internal sealed class ObservedChain
{
    public ObservedChain(string nonce, string marker) => (Nonce, Marker) = (nonce, marker);

    /// <summary>The probe's nonce: in the argv of every process of the chain (bwrap, init, the probe).</summary>
    public string Nonce { get; }

    /// <summary>A second argv marker for processes that exec something else (the orphan probe's daemons).</summary>
    public string Marker { get; }

    public ConcurrentDictionary<(int Pid, string StartTime), ObservedProcess> Processes { get; } = new();

    /// <summary>Host paths of the run's cgroup directories (one per v1 hierarchy, or one v2 directory).</summary>
    public ConcurrentDictionary<string, byte> CgroupDirectories { get; } = new(StringComparer.Ordinal);

    /// <summary>The run's cgroup name (<c>cordon-PID-N-RANDOM</c>), once seen.</summary>
    public string? CgroupName { get; set; }

    public bool Matches(ReadOnlySpan<byte> commandLine)
        => commandLine.IndexOf(System.Text.Encoding.ASCII.GetBytes(Nonce)) >= 0 || commandLine.IndexOf(System.Text.Encoding.ASCII.GetBytes(Marker)) >= 0;
}
