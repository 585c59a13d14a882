using System.Buffers.Binary;
using Cordon.Backends.Process.Seccomp;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class SeccompFilterCompilerTests
{
    [Fact]
    public void Compiling_an_equal_policy_again_returns_the_cached_program()
    {
        SyscallPolicy built = new SandboxPolicyBuilder().Build().Syscalls;

        SeccompProgram first = SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None);
        SeccompProgram second = SeccompFilterCompiler.Compile(built, NetworkMode.None);

        Assert.Same(first, second);
    }

    [Fact]
    public void The_cache_keeps_network_modes_and_refused_actions_apart()
    {
        SeccompProgram none = SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None);
        SeccompProgram loopback = SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.Loopback);
        SeccompProgram errno = SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None, RefusedCallAction.FailWith(1));

        Assert.NotSame(none, loopback);
        Assert.NotEqual(none.Bytes, loopback.Bytes);
        Assert.NotEqual(none.Bytes, errno.Bytes);
    }

    [Fact]
    public void Concurrent_first_compilations_of_one_policy_yield_one_program()
    {
        SyscallPolicy policy = new SandboxPolicyBuilder().WithCustomSyscalls(["read", "write", "getppid", "futex"]).Build().Syscalls;

        SeccompProgram[] programs = [.. Enumerable.Range(0, 16).AsParallel()
            .Select(_ => SeccompFilterCompiler.Compile(policy, NetworkMode.Host))];

        Assert.All(programs, p => Assert.Same(programs[0], p));
    }

    [Fact]
    public void A_custom_name_nobody_knows_fails_with_a_message_naming_it()
    {
        var e = Assert.Throws<PolicyValidationException>(() => SeccompFilterCompiler.CompileUncached(
            SyscallProfile.Custom, ["read", "frobnicate_the_kernel"], NetworkMode.None, RefusedCallAction.Notify));

        PolicyError error = Assert.Single(e.Errors);
        Assert.Equal("syscalls.allow", error.Key);
        Assert.Contains("unknown syscall name 'frobnicate_the_kernel'", error.Message);
    }

    [Fact]
    public void A_name_of_another_architecture_is_unknown_too()
    {
        // libseccomp answers a negative pseudo-number for i386's socketcall: not an x86-64 syscall.
        var e = Assert.Throws<PolicyValidationException>(() => SeccompFilterCompiler.CompileUncached(
            SyscallProfile.Custom, ["socketcall"], NetworkMode.None, RefusedCallAction.Notify));

        Assert.Contains("'socketcall'", e.Message);
    }

    [Theory]
    [InlineData("unshare")]
    [InlineData("setns")]
    public void A_custom_profile_cannot_allow_namespace_calls(string name)
    {
        var e = Assert.Throws<PolicyValidationException>(() => SeccompFilterCompiler.CompileUncached(
            SyscallProfile.Custom, ["read", name], NetworkMode.None, RefusedCallAction.Notify));

        Assert.Contains($"'{name}' is never allowed", e.Message);
    }

    [Fact]
    public void A_syscall_newer_than_libseccomps_table_compiles_by_its_number()
    {
        // mseal (462, Linux 6.10) is in Cordon's table but not in libseccomp 2.5's.
        SeccompProgram program = SeccompFilterCompiler.CompileUncached(
            SyscallProfile.Custom, ["read", "mseal"], NetworkMode.None, RefusedCallAction.Notify);

        Assert.Contains(Instructions(program), i => i.Code == 0x15 /* BPF_JMP|BPF_JEQ|BPF_K */ && i.K == 462);
    }

    [Theory]
    [InlineData(SyscallProfile.Default)]
    [InlineData(SyscallProfile.Strict)]
    public void Built_in_programs_check_the_architecture_first_and_fit_the_kernel_limit(SyscallProfile profile)
    {
        SeccompProgram program = SeccompFilterCompiler.CompileUncached(profile, [], NetworkMode.Host, RefusedCallAction.Notify);
        var instructions = Instructions(program);

        Assert.InRange(program.InstructionCount, 10, SeccompProgram.MaxInstructions);
        // ld [4] (seccomp_data.arch); jeq AUDIT_ARCH_X86_64
        Assert.Equal((ushort)0x20, instructions[0].Code);
        Assert.Equal(4u, instructions[0].K);
        Assert.Equal(0xC000003Eu, instructions[1].K);
        // The bad-architecture action is SECCOMP_RET_KILL_PROCESS, the default action SECCOMP_RET_USER_NOTIF.
        Assert.Contains(instructions, i => i.Code == 0x06 && i.K == 0x80000000);
        Assert.Contains(instructions, i => i.Code == 0x06 && i.K == 0x7FC00000);
    }

    [Fact]
    public void X32_numbers_are_killed_by_the_program_itself()
    {
        // libseccomp's x86-64 filter sends nr >= 0x40000000 (except -1) to the bad-architecture action.
        var instructions = Instructions(SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None));

        int jge = instructions.FindIndex(i => i.Code == 0x35 /* BPF_JMP|BPF_JGE|BPF_K */ && i.K == 0x40000000);
        Assert.True(jge is > 0 and < 6, "expected an early 'nr >= 0x40000000' check");
    }

    internal static List<(ushort Code, byte Jt, byte Jf, uint K)> Instructions(SeccompProgram program)
    {
        var list = new List<(ushort, byte, byte, uint)>();
        ReadOnlySpan<byte> bytes = program.Bytes.AsSpan();
        for (int offset = 0; offset < bytes.Length; offset += SeccompProgram.InstructionBytes)
        {
            list.Add((BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]), bytes[offset + 2], bytes[offset + 3],
                BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4)..])));
        }

        return list;
    }
}
