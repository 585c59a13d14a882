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

    /// <summary>The run's own host uid:gid, dropped to before bwrap when the supervisor is root (null: keep the caller's).</summary>
    public (uint Uid, uint Gid)? DropToHostUser { get; init; }

    /// <summary>
    /// Where the launcher, still root, attaches idmapped clones of the writable grants in a private mount namespace (so
    /// files the guest creates land owned by the directory's owner); null when not root, and writable grants are bound
    /// from their descriptors as the caller's uid.
    /// </summary>
    public string? IdmapStageDirectory { get; init; }

    /// <summary>
    /// With <see cref="IdmapStageDirectory"/>: each writable grant has a disk-budget layer (a detached tmpfs at
    /// <see cref="LaunchFds.BudgetLayer"/>) that an overlay puts above it, so the guest's writes stop at the budget.
    /// </summary>
    public bool BudgetWritableGrants { get; init; }

    /// <summary>Benchmark baseline only: join v1 cgroups through cgroup.procs, as before the tasks-file fix.</summary>
    public bool JoinCgroupThroughProcs { get; init; }

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

/// <summary>
/// The descriptor table of the spawned chain (<c>cordon-launch enter</c> → bwrap → <c>cordon-launch init</c>): fixed numbers,
/// then one descriptor per handed-in object in a fixed order. The supervisor places each handle at the number these
/// functions give and the command line names the same numbers, so the two cannot disagree.
/// </summary>
internal static class LaunchFds
{
    public const int Status = 3;
    public const int Notify = 4;
    public const int Bpf = 5;

    /// <summary>bwrap's options, NUL-separated (<c>--args</c>): environment values never appear on a host command line.</summary>
    public const int BwrapArgs = 6;
    public const int FirstData = 7;

    /// <summary>The <paramref name="index"/>th generated /etc file.</summary>
    public static int EtcFile(LaunchSpec spec, int index) => FirstData + index;

    /// <summary>The <paramref name="index"/>th <see cref="MountKind.CopiedFile"/> mount's contents.</summary>
    public static int CopiedFile(LaunchSpec spec, int index) => FirstData + spec.GeneratedEtcFiles.Length + index;

    /// <summary>The <paramref name="index"/>th of <see cref="GrantedBind.All"/>: the source opened without following links.</summary>
    public static int BindSource(LaunchSpec spec, int index) => CopiedFile(spec, CopiedFileCount(spec.Policy)) + index;

    /// <summary>The disk-budget layer of the <paramref name="index"/>th writable grant (with <see cref="LaunchSpec.BudgetWritableGrants"/>).</summary>
    public static int BudgetLayer(LaunchSpec spec, int index) => BindSource(spec, GrantedBind.All(spec.Policy).Length) + index;

    /// <summary>The <paramref name="index"/>th file of <see cref="SandboxCommand.InheritedFiles"/>.</summary>
    public static int Inherited(LaunchSpec spec, int index) => BudgetLayer(spec, spec.BudgetWritableGrants ? GrantedBind.All(spec.Policy).Count(b => b.Writable) : 0) + index;

    public static int CopiedFileCount(SandboxPolicy policy) => policy.Mounts.Count(m => m.Kind == MountKind.CopiedFile);
}

/// <summary>A host path the caller granted as a bind: the work directory, or a read-only or read-write mount.</summary>
internal readonly record struct GrantedBind(string HostPath, string GuestPath, bool Writable)
{
    /// <summary>Every granted bind of <paramref name="policy"/>, in descriptor order: the work directory first, then the mounts.</summary>
    public static ImmutableArray<GrantedBind> All(SandboxPolicy policy)
    {
        var binds = ImmutableArray.CreateBuilder<GrantedBind>();
        if (policy.WorkDirectoryHostPath is { } work) binds.Add(new GrantedBind(work, SandboxPolicy.WorkDirectoryGuestPath, Writable: true));
        foreach (MountSpec mount in policy.Mounts)
        {
            if (mount.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind)
                binds.Add(new GrantedBind(mount.HostPath!, mount.GuestPath, mount.Kind == MountKind.ReadWriteBind));
        }

        return binds.ToImmutable();
    }
}
