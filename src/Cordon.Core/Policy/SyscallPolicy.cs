using System.Collections.Immutable;

namespace Cordon.Policy;

/// <summary>The syscall allowlist and what a refused call does.</summary>
public sealed record SyscallPolicy
{
    internal SyscallPolicy(SyscallProfile profile, ImmutableArray<string> allowedSyscalls, ViolationAction onViolation)
        => (Profile, AllowedSyscalls, OnViolation) = (profile, allowedSyscalls, onViolation);

    /// <summary>The default profile with <see cref="ViolationAction.Errno"/>.</summary>
    public static SyscallPolicy Default { get; } = new(SyscallProfile.Default, [], ViolationAction.Errno);

    /// <summary>The allowlist in force.</summary>
    public SyscallProfile Profile { get; }

    /// <summary>For <see cref="SyscallProfile.Custom"/>: the syscall names allowed (sorted, distinct). Empty otherwise.</summary>
    public ImmutableArray<string> AllowedSyscalls { get; }

    /// <summary>What a refused call does.</summary>
    public ViolationAction OnViolation { get; }

    /// <inheritdoc />
    public bool Equals(SyscallPolicy? other) => other is not null && Profile == other.Profile
        && OnViolation == other.OnViolation && AllowedSyscalls.SequenceEqual(other.AllowedSyscalls);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Profile, OnViolation, AllowedSyscalls.Length);
}
