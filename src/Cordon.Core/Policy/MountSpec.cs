namespace Cordon.Policy;

/// <summary>One door into the guest's filesystem.</summary>
/// <param name="Kind">What is mounted.</param>
/// <param name="HostPath">The host source (absolute); null for <see cref="MountKind.Tmpfs"/>.</param>
/// <param name="GuestPath">Where the guest sees it (absolute, normalised).</param>
/// <param name="SizeBytes">Size cap for <see cref="MountKind.Tmpfs"/>; null otherwise.</param>
public sealed record MountSpec(MountKind Kind, string? HostPath, string GuestPath, long? SizeBytes = null)
{
    /// <summary>True when the guest can write through this mount to something that outlives the run.</summary>
    public bool IsHostWritable => Kind == MountKind.ReadWriteBind;
}
