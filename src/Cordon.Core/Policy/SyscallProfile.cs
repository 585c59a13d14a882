namespace Cordon.Policy;

/// <summary>Which syscall allowlist the guest runs under.</summary>
public enum SyscallProfile
{
    /// <summary>What ordinary programs need (shells, coreutils, python3, node, compiled C); dangerous families always refused.</summary>
    Default,

    /// <summary>Computation and I/O on already-open descriptors only: for stdin-to-stdout filters.</summary>
    Strict,

    /// <summary>Exactly the syscall names listed in <see cref="SyscallPolicy.AllowedSyscalls"/>.</summary>
    Custom,
}
