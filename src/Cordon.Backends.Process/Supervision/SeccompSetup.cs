using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Supervision;

/// <summary>The filter for one run: compiled once per (syscall policy, network mode) and cached by the compiler.</summary>
internal static class SeccompSetup
{
    public static byte[] Compile(SandboxPolicy policy) => [.. SeccompFilterCompiler.Compile(policy.Syscalls, policy.Network).Bytes];
}
