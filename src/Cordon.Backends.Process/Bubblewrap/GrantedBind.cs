using System.Collections.Immutable;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>A host path bound into the sandbox: the work directory, a read-only or read-write mount, or a top-level entry of an image root.</summary>
internal readonly record struct GrantedBind(string HostPath, string GuestPath, bool Writable, bool FromImage = false)
{
    /// <summary>
    /// Every granted bind of <paramref name="policy"/>, in descriptor order: the work directory first, then the mounts,
    /// then (with an image root) the image's top-level directories and files, read-only.
    /// </summary>
    public static ImmutableArray<GrantedBind> All(SandboxPolicy policy, ImmutableArray<ImageRoot.ImageRootEntry> image = default)
    {
        var binds = ImmutableArray.CreateBuilder<GrantedBind>();
        if (policy.WorkDirectoryHostPath is { } work) binds.Add(new GrantedBind(work, SandboxPolicy.WorkDirectoryGuestPath, Writable: true));
        foreach (MountSpec mount in policy.Mounts)
        {
            if (mount.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind)
                binds.Add(new GrantedBind(mount.HostPath!, mount.GuestPath, mount.Kind == MountKind.ReadWriteBind));
        }

        if (policy.Root.ImagePath is { } rootfs && !image.IsDefault)
        {
            foreach (ImageRoot.ImageRootEntry entry in image.Where(e => e.Kind != ImageRoot.ImageRootEntryKind.Symlink))
                binds.Add(new GrantedBind(Path.Combine(rootfs, entry.Name), entry.GuestPath, Writable: false, FromImage: true));
        }

        return binds.ToImmutable();
    }
}
