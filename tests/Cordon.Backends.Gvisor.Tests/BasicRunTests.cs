using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Gvisor.Tests;

public sealed class BasicRunTests
{
    [Fact]
    public void Uname_shows_the_sentry_kernel_not_the_host()
    {
        SandboxResult result = Gvisor.Run(SandboxPolicy.Default, "uname", "-a");
        Assert.True(result.IsSuccess, $"{result.Outcome} {result.Detail} {result.Stderr()}");
        Assert.Equal("gvisor", result.Tier);
        Assert.DoesNotContain(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), result.Stdout());
        // The Sentry presents itself as Linux 4.4.0 (runsc's fixed version), host name "cordon".
        Assert.Contains("4.4.0", result.Stdout());
        Assert.Contains("cordon", result.Stdout());
        GvisorDetails details = Assert.IsType<GvisorDetails>(result.Details);
        Assert.Equal("ptrace", details.Platform);
        Assert.StartsWith("not reported", details.Refusals, StringComparison.Ordinal);
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void Exit_codes_and_signals_are_the_guests()
    {
        SandboxResult exited = Gvisor.Sh("echo out; echo err >&2; exit 3");
        Assert.Equal(SandboxOutcome.Exited, exited.Outcome);
        Assert.Equal(3, exited.ExitCode);
        Assert.Equal("out\n", exited.Stdout());
        Assert.Equal("err\n", exited.Stderr());

        SandboxResult killed = Gvisor.Sh("kill -9 $$");
        Assert.Equal(SandboxOutcome.Signaled, killed.Outcome);
        Assert.Equal(9, killed.Signal);
        Gvisor.AssertCleanedUp(killed);
    }

    [Fact]
    public void A_missing_program_is_exec_failed()
    {
        SandboxResult result = Gvisor.Run(SandboxPolicy.Default, "/nonexistent/program");
        Assert.Equal(SandboxOutcome.ExecFailed, result.Outcome);
        Assert.Equal(127, result.ExitCode);
        Gvisor.AssertCleanedUp(result);
    }
}
