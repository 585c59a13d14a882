using System.Collections.Immutable;
using System.Globalization;
using Cordon.Units;

namespace Cordon.Backends.Process.Planning;

/// <summary>The run's cgroup: where the launcher joins it and the limits the supervisor writes before the spawn.</summary>
/// <param name="Version">"v2" or "v1".</param>
/// <param name="Hierarchies">The hierarchies (controllers) the run has a directory in.</param>
/// <param name="JoinDirectories">The run's directories, joined by <c>cordon-launch enter</c> before it execs bwrap.</param>
/// <param name="MemoryBytes">memory limit, swap off; null for max.</param>
/// <param name="MaxTasks">pids limit: the policy's processes plus the launch chain's own; null for max.</param>
/// <param name="CpuTime">CPU time, read by the supervisor every 25 ms; null for unlimited.</param>
public sealed record CgroupPlan(string Version, ImmutableArray<string> Hierarchies, ImmutableArray<string> JoinDirectories,
    long? MemoryBytes, int? MaxTasks, TimeSpan? CpuTime)
{
    /// <summary>The limits, one per line, for people.</summary>
    public ImmutableArray<string> Describe() =>
    [
        $"cgroup {Version} ({string.Join(", ", Hierarchies)})",
        "memory " + (MemoryBytes is { } m ? ByteSize.Format(m) + ", swap off" : "max"),
        "pids " + (MaxTasks is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p - ProcessSandbox.SupervisionTasks} + {ProcessSandbox.SupervisionTasks} for the launch chain") : "max"),
        "cpu time " + (CpuTime is { } c ? DurationText.Format(c) + ", read every 25 ms" : "unlimited"),
    ];
}
