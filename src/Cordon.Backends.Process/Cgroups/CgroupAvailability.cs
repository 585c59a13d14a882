namespace Cordon.Backends.Process.Cgroups;

/// <summary>What detection found: the usable cgroup interface, or why there is none.</summary>
internal sealed record CgroupAvailability
{
    /// <summary>V2, V1, or None.</summary>
    public required CgroupVersion Version { get; init; }

    /// <summary>The hierarchies runs are created in (one for v2; one per mounted v1 hierarchy used).</summary>
    public IReadOnlyList<CgroupHierarchy> Hierarchies { get; init; } = [];

    /// <summary>Why cgroup v2 is not used (null when it is), for reasons and <c>cordon doctor</c>.</summary>
    public string? V2Problem { get; init; }

    /// <summary>Why cgroup v1 is not used (null when it is, or when v2 made checking it unnecessary).</summary>
    public string? V1Problem { get; init; }

    /// <summary>Whether runs get cgroups.</summary>
    public bool IsUsable => Version != CgroupVersion.None;

    /// <summary>For <see cref="CgroupVersion.None"/>: the full reason, naming each interface's problem.</summary>
    public string? Reason => IsUsable ? null : $"no usable cgroup: {V2Problem}; {V1Problem}";
}
