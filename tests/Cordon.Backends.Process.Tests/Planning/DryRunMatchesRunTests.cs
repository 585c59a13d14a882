using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Planning;

/// <summary>What <see cref="ProcessSandbox.Plan"/> shows is what a run executes: a real run's plan is compared with the dry run's.</summary>
public class DryRunMatchesRunTests
{
    [Fact]
    public async Task A_run_executes_the_plan_a_dry_run_prints_but_for_the_placeholders()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-plan-").FullName;
        try
        {
            // Readable by the run's own uid when the tests run as root.
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            SandboxPolicy policy = new SandboxPolicyBuilder().MountReadOnly(dir, "/in").MountTmpfs("/scratch").SetEnvironment("MODE", "x").Build();
            var command = new SandboxCommand("/bin/sh", ["-c", "ls /in /scratch && echo ok"]);
            LaunchPlan? executed = null;
            var sandbox = new ProcessSandbox(new ProcessBackendOptions { PlanObserver = p => executed = p });

            SandboxResult result = await sandbox.RunAsync(policy, command);
            LaunchPlan dry = sandbox.Plan(policy, command);

            Assert.Equal(SandboxOutcome.Exited, result.Outcome);
            Assert.True(result.ExitCode == 0, System.Text.Encoding.UTF8.GetString(result.StandardError.Bytes.Span));
            Assert.NotNull(executed);
            Assert.Equal(dry.BwrapOptions.ToArray(), executed.BwrapOptions.ToArray());
            Assert.Equal(dry.Descriptors.ToArray(), executed.Descriptors.ToArray());
            Assert.Equal(dry.Mounts.ToArray(), executed.Mounts.ToArray());
            Assert.Equal(dry.LauncherSteps.ToArray(), executed.LauncherSteps.ToArray());
            Assert.Equal(dry.Warnings.ToArray(), executed.Warnings.ToArray());
            Assert.Equal(Placeholders(dry), Placeholders(executed));
            Assert.Equal(dry.Cgroup is null, executed.Cgroup is null);
            Assert.Equal(dry.Cgroup?.Describe().ToArray(), executed.Cgroup?.Describe().ToArray());
            Assert.StartsWith(executed.FilterSummary, dry.FilterSummary, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The argv with the two facts only a run has (its cgroup directories, its uid:gid) masked.</summary>
    private static string[] Placeholders(LaunchPlan plan)
    {
        string[] argv = [.. plan.Argv];
        for (int i = 0; i + 1 < argv.Length; i++)
        {
            if (argv[i] is "--cgroup" or "--user") argv[i + 1] = "<run's own>";
        }

        return argv;
    }
}
