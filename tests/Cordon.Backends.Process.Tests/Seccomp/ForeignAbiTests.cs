using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>Syscalls through the x32 and i386 ABIs never run: the filter kills the process (SIGSYS), whatever the profile allows.</summary>
[Collection(SeccompTestCollection.Name)]
public class ForeignAbiTests
{
    // bwrap reports a child killed by signal N as exit status 128 + N
    private const int ExitBySigsys = 128 + 31;
    private const int ExitBySigsegv = 128 + 11;

    private static SeccompProgram Program()
        => SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None, RefusedCallAction.FailWith(1));

    [Fact]
    public void An_x32_syscall_is_killed_with_SIGSYS()
    {
        var result = BwrapRunner.Run(Program(), [$"/payload/{NativeTestPrograms.Probe}", "getpid", "x32_getpid", "getpid"]);

        Assert.True(result.ExitCode == ExitBySigsys, result.ToString());
        Assert.Equal("getpid=OK\n", result.StandardOutput); // nothing after the x32 call ran
    }

    [Fact]
    public void An_i386_int_0x80_syscall_never_runs()
    {
        // Control, unfiltered: where the kernel offers the i386 ABI, int $0x80 works from 64-bit code.
        string control = RunUnfiltered("i386_getpid");
        var result = BwrapRunner.Run(Program(), [$"/payload/{NativeTestPrograms.Probe}", "getpid", "i386_getpid", "getpid"]);

        Assert.Equal("getpid=OK\n", result.StandardOutput);
        if (control.Contains("i386_getpid=OK", StringComparison.Ordinal))
        {
            Assert.True(result.ExitCode == ExitBySigsys, result.ToString()); // the filter's architecture check
        }
        else
        {
            // This host has no i386 ABI at all (some VMs: int $0x80 raises #GP before any syscall entry, so seccomp never
            // sees it). The call still must not run; the filter's arch check is covered by the compiler tests.
            Assert.True(result.ExitCode is ExitBySigsys or ExitBySigsegv, result.ToString());
        }
    }

    [Fact]
    public void Without_a_filter_x32_is_merely_unsupported_so_the_kill_is_the_filters_doing()
        => Assert.Contains("x32_getpid=ENOSYS", RunUnfiltered("x32_getpid")); // CONFIG_X86_X32_ABI is unset here

    private static string RunUnfiltered(string probe)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(NativeTestPrograms.HostPath(NativeTestPrograms.Probe), probe)
        {
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
