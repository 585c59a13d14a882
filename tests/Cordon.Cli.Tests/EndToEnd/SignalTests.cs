using System.Diagnostics;
using System.Text.Json;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary>Signals like timeout(1) and docker run: forwarded, then the sandbox killed; a result and nothing left behind.</summary>
public class SignalTests
{
    private static Process StartLong(string marker, params string[] options)
    {
        var process = Process.Start(CordonCli.StartInfo("dotnet", [CordonCli.Dll, "run", .. options, "--time", "10m", "--", "sleep", marker]))!;
        process.StandardInput.Close();
        return process;
    }

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("SIGINT", 2)]
    [InlineData("SIGHUP", 1)]
    public async Task A_signal_during_a_long_run_gives_a_result_128_plus_n_and_no_leftovers(string name, int number)
    {
        string marker = CordonCli.Unique("6");
        using Process cordon = StartLong(marker, "--json");
        Task<string> stdout = cordon.StandardOutput.ReadToEndAsync();
        _ = cordon.StandardError.ReadToEndAsync();
        Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count > 0), "the guest never started");
        Assert.Equal(0, Kill(cordon.Id, name));
        await cordon.WaitForExitAsync(new CancellationTokenSource(CordonCli.SafetyNet).Token);

        Assert.Equal(128 + number, cordon.ExitCode);
        using JsonDocument report = JsonDocument.Parse(await stdout);
        Assert.Equal("canceled", report.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(number, report.RootElement.GetProperty("signal").GetInt32());
        Assert.Empty(CordonCli.ProcessesWith(marker));
        Assert.Empty(CordonCli.CgroupsOf(cordon.Id));
    }

    [Fact]
    public async Task A_guest_that_ignores_the_signal_is_killed_after_kill_after()
    {
        string marker = CordonCli.Unique("6");
        using var cordon = Process.Start(CordonCli.StartInfo("dotnet", [CordonCli.Dll, "run", "--json", "--kill-after", "300ms", "--time", "10m", "--", "sh", "-c", $"trap '' TERM; sleep {marker}; :"]))!;
        cordon.StandardInput.Close();
        Task<string> stdout = cordon.StandardOutput.ReadToEndAsync();
        Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count > 1), "the guest never started");
        Assert.Equal(0, Kill(cordon.Id, "SIGTERM"));
        await cordon.WaitForExitAsync(new CancellationTokenSource(CordonCli.SafetyNet).Token);
        Assert.Equal(143, cordon.ExitCode);
        using JsonDocument report = JsonDocument.Parse(await stdout);
        Assert.Contains("killed after 300ms", report.RootElement.GetProperty("detail").GetString());
        Assert.Empty(CordonCli.ProcessesWith(marker));
        Assert.Empty(CordonCli.CgroupsOf(cordon.Id));
    }

    [Fact]
    public async Task When_cordon_is_sigkilled_the_guest_dies_and_the_next_cleanup_sweeps_its_cgroups()
    {
        string marker = CordonCli.Unique("6");
        using Process cordon = StartLong(marker);
        _ = cordon.StandardOutput.ReadToEndAsync();
        _ = cordon.StandardError.ReadToEndAsync();
        Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count > 0), "the guest never started");
        bool hadCgroups = CordonCli.CgroupsOf(cordon.Id).Count > 0;
        cordon.Kill();
        await cordon.WaitForExitAsync();

        Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count == 0), "the guest outlived a SIGKILLed cordon");
        CordonCli.Outcome cleanup = await CordonCli.RunAsync("doctor", "--cleanup");
        Assert.True(cleanup.Code == 0, cleanup.Stderr);
        if (hadCgroups) Assert.Contains($"cordon-{cordon.Id}-", cleanup.Stdout);
        Assert.Empty(CordonCli.CgroupsOf(cordon.Id));
    }

    [Fact]
    public async Task The_sweep_spares_a_live_cordons_runs()
    {
        string marker = CordonCli.Unique("6");
        using Process cordon = StartLong(marker);
        _ = cordon.StandardOutput.ReadToEndAsync();
        _ = cordon.StandardError.ReadToEndAsync();
        try
        {
            Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count > 0), "the guest never started");
            List<string> before = CordonCli.CgroupsOf(cordon.Id);
            CordonCli.Outcome cleanup = await CordonCli.RunAsync("doctor", "--cleanup");
            Assert.DoesNotContain($"cordon-{cordon.Id}-", cleanup.Stdout);
            Assert.Equal(before, CordonCli.CgroupsOf(cordon.Id));
            Assert.NotEmpty(CordonCli.ProcessesWith(marker));
        }
        finally
        {
            Kill(cordon.Id, "SIGTERM");
            await cordon.WaitForExitAsync();
        }
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal[3..], pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
