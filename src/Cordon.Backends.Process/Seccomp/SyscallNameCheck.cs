using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>
/// Checks a policy's syscall names against <see cref="X64SyscallTable"/>: a custom allowlist naming a call the table does
/// not know is refused with one error per name, before anything starts (a typo must not silently shrink the allowlist).
/// </summary>
public static class SyscallNameCheck
{
    /// <summary>The error for one unknown name (the policy file reader gives it the name's own location).</summary>
    public static string UnknownName(string name) => $"unknown syscall name '{name}' (names are x86-64 syscall names, e.g. 'read', 'openat')";

    /// <summary>Every unknown name of <paramref name="syscalls"/>'s allowlist, as <c>syscalls.allow</c> errors; empty when all are known.</summary>
    public static ImmutableArray<PolicyError> Errors(SyscallPolicy syscalls)
    {
        ArgumentNullException.ThrowIfNull(syscalls);
        return syscalls.Profile != SyscallProfile.Custom
            ? []
            : [.. syscalls.AllowedSyscalls.Where(n => !X64SyscallTable.IsKnown(n)).Select(n => new PolicyError("syscalls.allow", UnknownName(n)))];
    }
}
