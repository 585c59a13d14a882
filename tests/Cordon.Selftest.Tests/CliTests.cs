using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cordon.Selftest.Tests;

/// <summary>`cordon selftest` as a user runs it: the built cordon.dll in a real process, as root and as nobody.</summary>
public partial class CliTests
{
    private static readonly string CordonDll = Path.Combine(AppContext.BaseDirectory, "cordon.dll");

    private static async Task<(int Code, string Stdout, string Stderr)> CordonAsync(bool asNobody, params string[] args)
    {
        var start = new ProcessStartInfo(asNobody ? "setpriv" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asNobody)
        {
            foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp",
                "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "dotnet" }) start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add(CordonDll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_table_ends_with_the_summary_line_alone_and_exit_code_0()
    {
        var (code, stdout, stderr) = await CordonAsync(false, "selftest", "--category", "process");

        Assert.True(code == 0, stdout + stderr);
        Assert.Matches(SummaryLine(), stdout);
        Assert.StartsWith("PROBE ", stdout);
        Assert.Contains("proc-ptrace-sibling", stdout);
        Assert.DoesNotContain("net-egress", stdout);
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public async Task Json_is_one_document_with_the_same_verdicts()
    {
        var (code, stdout, _) = await CordonAsync(false, "selftest", "--json", "--only", "out-*");

        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement probes = doc.RootElement.GetProperty("probes");
        Assert.Equal(doc.RootElement.GetProperty("passed").GetInt32(), probes.EnumerateArray().Count());
        Assert.Contains(probes.EnumerateArray(), p => p.GetProperty("id").GetString() == "out-terminal-escape" && p.GetProperty("verdict").GetString() == "CONTAINED");
        Assert.Contains(probes.EnumerateArray(), p => p.GetProperty("verdict").GetString() == "LIMIT:output");

        // Each probe that ran carries its run as the one result document, valid under strict reading.
        foreach (JsonElement probe in probes.EnumerateArray().Where(p => p.GetProperty("ran").GetBoolean()))
        {
            byte[] run = System.Text.Encoding.UTF8.GetBytes(probe.GetProperty("run").GetRawText());
            Assert.True(Cordon.Contracts.RunDocuments.TryRead(run, out Cordon.Contracts.RunDocument? document, out string problem), problem);
            Assert.Equal("process", document!.Tier);
        }
    }

    [Theory]
    [InlineData("--only", "no-such-probe")]
    [InlineData("--category", "kernel")]
    [InlineData("--parallel", "0")]
    [InlineData("--bogus")]
    [InlineData("--only")]
    public async Task Bad_options_exit_125(params string[] args)
    {
        var (code, _, stderr) = await CordonAsync(false, ["selftest", .. args]);

        Assert.Equal(125, code);
        Assert.StartsWith("cordon: ", stderr);
    }

    [Fact]
    public async Task List_names_every_probe_without_running_any()
    {
        var (code, stdout, _) = await CordonAsync(false, "selftest", "--list");

        Assert.Equal(0, code);
        Assert.Equal(SelftestRunner.Catalogue.Count, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>
    /// As nobody, on a host whose cgroups are root's: the suite still passes; the bombs that only a cgroup could bound are
    /// DEGRADED with Cordon's reason instead of passing silently, and nothing escapes.
    /// </summary>
    [Fact]
    public async Task As_an_unprivileged_user_the_suite_passes_and_names_what_is_degraded()
    {
        if (!Host.IsRoot || !File.Exists("/usr/bin/setpriv")) return;

        var (code, stdout, stderr) = await CordonAsync(true, "selftest", "--json");

        Assert.True(code == 0, stdout + stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(65534u, root.GetProperty("uid").GetUInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.True(root.GetProperty("passed").GetInt32() >= 50);
        JsonElement[] probes = [.. root.GetProperty("probes").EnumerateArray()];
        if (!root.GetProperty("cgroups").GetBoolean())
        {
            JsonElement forkBomb = probes.Single(p => p.GetProperty("id").GetString() == "res-fork-bomb");
            Assert.Equal("DEGRADED", forkBomb.GetProperty("verdict").GetString());
            Assert.False(forkBomb.GetProperty("ran").GetBoolean());
            Assert.Contains("cgroup", forkBomb.GetProperty("reason").GetString());
        }
    }

    [GeneratedRegex(@"(?m)^\d+ passed, \d+ failed$")]
    private static partial Regex SummaryLine();
}
