using System.Diagnostics;

namespace Cordon.Backends.Gvisor.Tests;

/// <summary>The CLI end to end: <c>cordon run --tier gvisor</c> and <c>cordon selftest --tier gvisor</c>.</summary>
public sealed class CliTests
{
    internal static async Task<(int Code, string Stdout, string Stderr)> CordonAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cordon.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout, await stderr);
    }

    [Fact]
    public async Task Run_uname_shows_gvisors_kernel()
    {
        var (code, stdout, _) = await CordonAsync("run", "--tier", "gvisor", "--", "uname", "-a");
        Assert.Equal(0, code);
        Assert.StartsWith("Linux cordon 4.4.0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_network_and_allowlists_are_refused_before_anything_starts()
    {
        var (code, _, stderr) = await CordonAsync("run", "--tier", "gvisor", "--allow-net", "203.0.113.7:443", "--", "true");
        Assert.NotEqual(0, code);
        Assert.Contains("gvisor tier refuses it", stderr);
    }

    [Fact]
    public async Task Doctor_has_the_gvisor_and_microvm_rows()
    {
        var (_, stdout, _) = await CordonAsync("doctor", "--json");
        Assert.Contains("gvisor tier", stdout);
        Assert.Contains("start cost", stdout);
        Assert.Contains("microvm tier (planned)", stdout);
    }

    [Fact]
    public async Task Selftest_on_the_gvisor_tier_contains_every_probe()
    {
        var (code, stdout, stderr) = await CordonAsync("selftest", "--tier", "gvisor", "--json");
        // Every probe passes; the ones that cannot apply on a tier with its own kernel say so (DEGRADED, exit 0).
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("\"escaped\": 0,", stdout);
        Assert.DoesNotContain("\"verdict\": \"ESCAPED\"", stdout);
        Assert.DoesNotContain("\"verdict\": \"INCONCLUSIVE\"", stdout);
        Assert.DoesNotContain("\"verdict\": \"HARNESS-ERROR\"", stdout);
    }

    [Fact]
    public async Task Selftest_on_the_gvisor_tier_in_a_busybox_root_passes_and_names_what_cannot_apply()
    {
        var (code, stdout, stderr) = await CordonAsync("selftest", "--tier", "gvisor", "--rootfs", BusyboxRoot.Path, "--json");
        Assert.True(code == 0, stdout + stderr);
        Assert.DoesNotContain("\"verdict\": \"ESCAPED\"", stdout);
        Assert.DoesNotContain("\"verdict\": \"INCONCLUSIVE\"", stdout);
        // The static C probes run in a root with no libc; python ones cannot, and say why.
        Assert.Contains("the root has no python3", stdout);
    }
}
