using System.Collections.Immutable;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

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
