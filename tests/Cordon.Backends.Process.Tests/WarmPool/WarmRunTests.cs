using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

public class WarmRunTests
{
    [Fact]
    public async Task A_warm_run_runs_the_command_with_its_stdin_env_and_cwd()
    {
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default);
        SandboxPolicy policy = new SandboxPolicyBuilder().SetEnvironment("GREETING", "hi").Build();
        Assert.True(pool.Matches(policy));
        var command = new SandboxCommand("/bin/sh", ["-c", "read x; echo \"$x $GREETING $(pwd) $HOME\"; echo err >&2; exit 3"])
        {
            StandardInput = "from-stdin\n"u8.ToArray(),
            WorkingDirectory = "/tmp",
        };
        SandboxResult r = await pool.RunAsync(policy, command);
        Assert.Equal(1, pool.Statistics.WarmRuns);
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("from-stdin hi /tmp /work\n", WarmPools.Out(r));
        Assert.Equal("err\n", WarmPools.Err(r));
    }
}

public class WarmSetupErrorTests
{
    [Fact]
    public async Task A_missing_working_directory_fails_as_it_does_cold()
    {
        var sandbox = new ProcessSandbox();
        using WarmSandboxPool pool = WarmPools.Filled(SandboxPolicy.Default, sandbox: sandbox);
        var command = new SandboxCommand("/bin/true") { WorkingDirectory = "/no/such/dir" };
        var warm = await Assert.ThrowsAsync<Cordon.Errors.SandboxSetupException>(() => pool.RunAsync(SandboxPolicy.Default, command));
        var cold = await Assert.ThrowsAsync<Cordon.Errors.SandboxSetupException>(() => sandbox.RunAsync(SandboxPolicy.Default, command));
        Assert.Equal(1, pool.Statistics.WarmRuns + pool.Statistics.ColdRuns);
        Assert.Equal((cold.Step, cold.Message, cold.Hint), (warm.Step, warm.Message, warm.Hint));
        // The member that failed is torn down like any other, and the pool refills.
        Assert.True(pool.WaitForIdle(1, WarmPools.FillTimeout));
    }
}
