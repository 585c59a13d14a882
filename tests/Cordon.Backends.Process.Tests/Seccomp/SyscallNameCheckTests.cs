using Cordon.Backends.Process.Seccomp;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class SyscallNameCheckTests
{
    [Fact]
    public void Each_unknown_name_of_an_allowlist_is_one_precise_error()
    {
        SyscallPolicy syscalls = new SandboxPolicyBuilder().WithCustomSyscalls(["read", "not_a_syscall", "wrtie"]).Build().Syscalls;

        PolicyError[] errors = [.. SyscallNameCheck.Errors(syscalls)];

        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.Equal("syscalls.allow", e.Key));
        Assert.Equal("unknown syscall name 'not_a_syscall' (names are x86-64 syscall names, e.g. 'read', 'openat')", errors[0].Message);
        Assert.Contains("'wrtie'", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profiles_and_known_names_pass()
    {
        Assert.Empty(SyscallNameCheck.Errors(SyscallPolicy.Default));
        Assert.Empty(SyscallNameCheck.Errors(new SandboxPolicyBuilder().WithCustomSyscalls(X64SyscallTable.Names).Build().Syscalls));
    }

    [Fact]
    public void The_process_tier_refuses_an_unknown_name_before_anything_starts()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithCustomSyscalls(["read", "not_a_syscall"]).Build();
        var command = new SandboxCommand("/bin/true");

        var run = Assert.Throws<PolicyValidationException>(() => new ProcessSandbox().Run(policy, command));
        var plan = Assert.Throws<PolicyValidationException>(() => new ProcessSandbox().Plan(policy, command));

        Assert.Contains("unknown syscall name 'not_a_syscall'", Assert.Single(run.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(run.Errors.ToArray(), plan.Errors.ToArray());
    }
}
