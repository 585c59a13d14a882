using System.Collections.Immutable;

namespace Cordon.Backends.Process.Planning;

/// <summary>
/// What the planner needs to know about the host and this run besides the policy and the command. Gathered by the
/// caller (a run, or a dry run with placeholders) and passed in, so <see cref="LaunchPlanner"/> reads nothing itself.
/// </summary>
internal sealed record LaunchHostFacts
{
    /// <summary>Host path of the <c>cordon-launch</c> helper.</summary>
    public required string LauncherPath { get; init; }

    /// <summary>Host path of bwrap.</summary>
    public required string BwrapPath { get; init; }

    /// <summary>The supervisor's host pid, so the launcher can tell it was orphaned before it starts anything.</summary>
    public required int SupervisorPid { get; init; }

    /// <summary>The run's own host uid:gid (from the run-identity range) when the supervisor is root; null keeps the caller's.</summary>
    public (uint Uid, uint Gid)? RunUser { get; init; }

    /// <summary>As root: where the launcher attaches idmapped clones of the writable grants; null otherwise.</summary>
    public string? IdmapStageDirectory { get; init; }

    /// <summary>The run's cgroup, already created (without limits yet); null when none is usable.</summary>
    public CgroupFacts? Cgroup { get; init; }

    /// <summary>Why there is no cgroup (with <see cref="Cgroup"/> null).</summary>
    public string? NoCgroupReason { get; init; }

    /// <summary>Which of the optional host /etc files (<see cref="Bubblewrap.GuestEtc.HostFiles"/>) exist.</summary>
    public ImmutableArray<string> HostEtcFilesPresent { get; init; } = [];

    /// <summary>With an image root: its top-level entries (<see cref="ImageRoot.ImageRootListing"/>); empty otherwise.</summary>
    public ImmutableArray<ImageRoot.ImageRootEntry> ImageEntries { get; init; } = [];

    /// <summary>Benchmark baseline only: join v1 cgroups through cgroup.procs, as before the tasks-file fix.</summary>
    public bool JoinCgroupThroughProcs { get; init; }

    /// <summary>See <see cref="ProcessBackendOptions.MountMistakesForTesting"/>.</summary>
    public ImmutableArray<(string Host, string Guest)> MountMistakesForTesting { get; init; } = [];
}

/// <summary>The run's cgroup as the planner sees it.</summary>
/// <param name="Version">"v2" or "v1".</param>
/// <param name="Hierarchies">Hierarchy names.</param>
/// <param name="JoinDirectories">The run's directories.</param>
internal sealed record CgroupFacts(string Version, ImmutableArray<string> Hierarchies, ImmutableArray<string> JoinDirectories);
