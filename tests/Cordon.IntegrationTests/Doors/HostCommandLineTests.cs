using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Doors;

/// <summary>Environment values reach bwrap through its args descriptor: no host process's command line shows them.</summary>
public class HostCommandLineTests : SandboxTest
{
    [Fact]
    public async Task No_environment_value_appears_in_any_host_process_command_line_during_the_run()
    {
        const string Secret = "cordon-env-secret-5f1c9a";
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SandboxPolicy policy = new SandboxPolicyBuilder().SetEnvironment("API_TOKEN", Secret).Build();
        Task<SandboxResult> run = Sandbox.RunAsync(policy, new SandboxCommand("/bin/sh", ["-c", "echo started; sleep 2; echo \"$API_TOKEN\""])
        {
            OnOutput = (_, _) => started.TrySetResult(),
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        List<string> leaks = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(Secret, StringComparison.Ordinal)) leaks.Add($"{pid}: {cmdline.Replace('\0', ' ')}");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        SandboxResult r = await run;
        AssertExited(r);
        Assert.Equal($"started\n{Secret}\n", Stdout(r)); // the guest still gets it
        Assert.Empty(leaks);
    }
}
