using System.Collections.Immutable;

namespace Cordon.Policy;

/// <summary>Validated, immutable description of what one sandboxed run may do. Create it with <see cref="SandboxPolicyBuilder"/>.</summary>
/// <remarks>
/// Everything not named here is closed: no host file but the system directories needed to run programs
/// (and only when <see cref="MountSystemDirectories"/> is set), no network, no host environment, no host
/// descriptors. The same policy drives every isolation tier.
/// </remarks>
public sealed record SandboxPolicy
{
    /// <summary>Where the guest's working directory is, whatever backs it.</summary>
    public const string WorkDirectoryGuestPath = "/work";

    internal SandboxPolicy(ResourceLimits limits, ImmutableArray<MountSpec> mounts, string? workDirectoryHostPath,
        FilesystemRoot root, NetworkPolicy network, ImmutableSortedDictionary<string, string> environment,
        SyscallPolicy syscalls, bool guestIsRoot, bool requireCgroups, bool requireLandlock)
    {
        Limits = limits;
        Mounts = mounts;
        WorkDirectoryHostPath = workDirectoryHostPath;
        Root = root;
        Network = network;
        Environment = environment;
        Syscalls = syscalls;
        GuestIsRoot = guestIsRoot;
        RequireCgroups = requireCgroups;
        RequireLandlock = requireLandlock;
    }

    /// <summary>The fully closed default: <c>new SandboxPolicyBuilder().Build()</c>.</summary>
    public static SandboxPolicy Default { get; } = new SandboxPolicyBuilder().Build();

    /// <summary>The resource budget.</summary>
    public ResourceLimits Limits { get; }

    /// <summary>Extra doors into the filesystem, in the order they are mounted.</summary>
    public ImmutableArray<MountSpec> Mounts { get; }

    /// <summary>Host directory bound read-write at <see cref="WorkDirectoryGuestPath"/>; null for a private tmpfs.</summary>
    public string? WorkDirectoryHostPath { get; }

    /// <summary>What the root filesystem is made of before <see cref="Mounts"/> (the filesystem facet's root).</summary>
    public FilesystemRoot Root { get; }

    /// <summary>Whether /usr (with the /bin, /lib, /sbin links) and a minimal /etc are mounted read-only: <see cref="Root"/> is the host's system directories.</summary>
    public bool MountSystemDirectories => Root.Kind == FilesystemRootKind.HostSystem;

    /// <summary>Whether the guest can write to a host directory: a read-write mount or a work directory from the host.</summary>
    public bool HasWritableGrants => WorkDirectoryHostPath is not null || Mounts.Any(m => m.Kind == MountKind.ReadWriteBind);

    /// <summary>The network facet: the namespace and any allowlist.</summary>
    public NetworkPolicy Network { get; }

    /// <summary>The guest's whole environment besides PATH, HOME, LANG and LC_ALL defaults; never inherited from the host.</summary>
    public ImmutableSortedDictionary<string, string> Environment { get; }

    /// <summary>Syscall allowlist and violation action.</summary>
    public SyscallPolicy Syscalls { get; }

    /// <summary>Whether the guest sees itself as uid 0 inside its user namespace (still without capabilities).</summary>
    public bool GuestIsRoot { get; }

    /// <summary>Fail the run when no writable cgroup is available instead of falling back to rlimits.</summary>
    public bool RequireCgroups { get; }

    /// <summary>Fail the run when the kernel lacks Landlock instead of warning.</summary>
    public bool RequireLandlock { get; }

    /// <inheritdoc />
    public bool Equals(SandboxPolicy? other) => other is not null
        && Limits == other.Limits && Mounts.SequenceEqual(other.Mounts)
        && WorkDirectoryHostPath == other.WorkDirectoryHostPath && Root == other.Root
        && Network == other.Network && Environment.SequenceEqual(other.Environment) && Syscalls == other.Syscalls
        && GuestIsRoot == other.GuestIsRoot && RequireCgroups == other.RequireCgroups && RequireLandlock == other.RequireLandlock;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Limits, Mounts.Length, Network.Mode, Syscalls, Environment.Count);
}
