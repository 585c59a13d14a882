using System.Collections.Immutable;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>Everything <see cref="LaunchCommandLine"/> needs besides the policy: host facts and descriptor numbers, so the builder stays pure.</summary>
internal sealed record LaunchSpec
{
    public required SandboxPolicy Policy { get; init; }
    public required SandboxCommand Command { get; init; }

    /// <summary>Host path of the <c>cordon-launch</c> helper.</summary>
    public required string LauncherPath { get; init; }

    /// <summary>Host path of bwrap.</summary>
    public required string BwrapPath { get; init; }

    /// <summary>cgroup directories the launcher joins before exec'ing bwrap (empty without cgroups).</summary>
    public ImmutableArray<string> CgroupJoinDirectories { get; init; } = [];

    /// <summary>Host uid:gid to drop to before bwrap when the supervisor is root (null: keep the caller's).</summary>
    public (uint Uid, uint Gid)? DropToHostUser { get; init; }

    /// <summary>Which optional host /etc files exist (ld.so.cache, localtime, alternatives).</summary>
    public ImmutableArray<string> HostEtcFilesPresent { get; init; } = [];

    /// <summary>Guest paths of the generated /etc files, in the order their descriptors follow <see cref="LaunchFds.FirstData"/>.</summary>
    public ImmutableArray<string> GeneratedEtcFiles { get; init; } = [];

    /// <summary>The host pid of the supervisor, so the launcher can detect that it was orphaned before starting.</summary>
    public int SupervisorPid { get; init; }

    /// <summary>CPU-time rlimit in seconds (soft), as the second layer behind cgroup accounting; null for none.</summary>
    public long? CpuRlimitSeconds { get; init; }

    /// <summary>See <see cref="ProcessBackendOptions.MountMistakesForTesting"/>.</summary>
    public ImmutableArray<(string Host, string Guest)> MountMistakesForTesting { get; init; } = [];

    /// <summary>Per-process address-space rlimit, used only when no memory cgroup is available.</summary>
    public long? AddressSpaceRlimitBytes { get; init; }
}

/// <summary>The fixed descriptor layout of the spawned chain (<c>cordon-launch enter</c> → bwrap → <c>cordon-launch init</c>).</summary>
internal static class LaunchFds
{
    public const int Status = 3;
    public const int Notify = 4;
    public const int Bpf = 5;
    public const int FirstData = 6;
}
