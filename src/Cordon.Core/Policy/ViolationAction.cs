namespace Cordon.Policy;

/// <summary>What happens when the guest makes a syscall its profile refuses.</summary>
public enum ViolationAction
{
    /// <summary>The call fails (EPERM, or ENOSYS for syscalls unknown to the profile) and the guest keeps running.</summary>
    Errno,

    /// <summary>The whole sandbox is killed and the outcome is <see cref="Execution.SandboxOutcome.SyscallDenied"/>.</summary>
    Kill,
}
