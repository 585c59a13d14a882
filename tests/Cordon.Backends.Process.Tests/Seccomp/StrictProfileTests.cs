using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>The strict profile under bubblewrap, with the command as pid 1 (bwrap's reaper would need wait4).</summary>
[Collection(SeccompTestCollection.Name)]
public class StrictProfileTests
{
    private static SeccompProgram Program()
    {
        SyscallPolicy strict = new SandboxPolicyBuilder().WithSyscallProfile(SyscallProfile.Strict).Build().Syscalls;
        return SeccompFilterCompiler.Compile(strict, NetworkMode.None, RefusedCallAction.FailWith(133));
    }

    [Fact]
    public void A_static_stdin_to_stdout_filter_runs()
    {
        string input = string.Concat(Enumerable.Repeat("the quick brown fox\n", 2000));

        var result = BwrapRunner.Run(Program(), [$"/payload/{NativeTestPrograms.UpcaseStatic}"], input, asPid1: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(input.ToUpperInvariant(), result.StandardOutput);
    }

    [Fact]
    public void Sockets_files_and_executable_mappings_are_refused()
    {
        var result = BwrapRunner.Run(Program(),
            [$"/payload/{NativeTestPrograms.ProbeStatic}", "socket_unix", "getpid", "chroot", "mmap_rw", "mmap_exec", "mprotect_exec",
             "prlimit_set", "clone_plain", "clone3", "ptrace"], asPid1: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("EHWPOISON", result.ProbeResults["socket_unix"]);
        Assert.Equal("OK", result.ProbeResults["getpid"]); // allowed: abort() raises SIGABRT with tgkill(getpid(), gettid())
        Assert.Equal("EHWPOISON", result.ProbeResults["chroot"]);
        Assert.Equal("OK", result.ProbeResults["mmap_rw"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["mmap_exec"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["mprotect_exec"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["prlimit_set"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["clone_plain"]);
        Assert.Equal("ENOSYS", result.ProbeResults["clone3"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["ptrace"]);
    }

    [Fact]
    public void A_dynamically_linked_program_cannot_start()
    {
        // ld.so maps libc with PROT_EXEC, which strict refuses: the loader gives up.
        var result = BwrapRunner.Run(Program(), [$"/payload/{NativeTestPrograms.Hello}"], asPid1: true);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
    }
}
