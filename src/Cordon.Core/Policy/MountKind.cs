namespace Cordon.Policy;

/// <summary>What a <see cref="MountSpec"/> puts at its guest path.</summary>
public enum MountKind
{
    /// <summary>A host file or directory bound read-only (and nosuid, nodev).</summary>
    ReadOnlyBind,

    /// <summary>A host file or directory bound read-write: the guest can change host data there.</summary>
    ReadWriteBind,

    /// <summary>A private, size-capped tmpfs that vanishes with the run.</summary>
    Tmpfs,

    /// <summary>A copy of one host file's current contents, read-only; later host changes are not seen.</summary>
    CopiedFile,
}
