using System.Diagnostics;
using System.Text.Json;
using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Cli;

/// <summary>The cordon binary's exit-code contract, its JSON document and its terminal hygiene, run as a real process.</summary>
public class CliContractTests : SandboxTest
{
    private static async Task<(int Code, string Stdout, string Stderr)> CordonAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cordon.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData(0, "run", "--", "true")]
    [InlineData(3, "run", "--", "sh", "-c", "exit 3")]
    [InlineData(137, "run", "--", "sh", "-c", "kill -9 $$")]
    [InlineData(127, "run", "--", "no-such-program")]
    [InlineData(126, "run", "--", "/etc/passwd")]
    [InlineData(124, "run", "--time", "300ms", "--", "sleep", "5")]
    [InlineData(125, "run", "--output", "10x", "--", "true")]
    [InlineData(125, "run", "--bogus", "--", "true")]
    [InlineData(125, "run", "--ro", "/no/such/path", "--", "true")]
    [InlineData(125, "run", "--ro", "/usr:relative/guest", "--", "true")]
    [InlineData(159, "run", "--on-violation", "kill", "--", "python3", "-c", "import ctypes; ctypes.CDLL(None).syscall(101,0,0,0,0)")]
    public async Task Exit_codes_follow_the_documented_contract(int expected, params string[] args)
    {
        var (code, _, stderr) = await CordonAsync(args);
        Assert.True(expected == code, $"expected {expected}, got {code}; stderr: {stderr}");
    }

    [Fact]
    public async Task Bad_input_gets_one_precise_message()
    {
        var (_, _, stderr) = await CordonAsync("run", "--output", "10x", "--ro", "/no/such/path", "--", "true");
        Assert.Contains("'10x' has an unknown unit 'x'", stderr);
        Assert.Contains("'/no/such/path' does not exist", stderr);
    }

    [Fact]
    public async Task Json_is_one_valid_document_even_for_hostile_bytes()
    {
        var (code, stdout, _) = await CordonAsync("run", "--json", "--", "python3", "-c",
            "import sys; sys.stdout.buffer.write(b'\\x1b]52;c;aGk=\\x07\\xff\\xfe\"}\\x00 end'); sys.stderr.write('err')");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal("exited", root.GetProperty("outcome").GetString());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.Equal("err", root.GetProperty("stderr").GetString());
        byte[] exact = Convert.FromBase64String(root.GetProperty("stdoutBase64").GetString()!);
        byte[] expected = [0x1b, .. "]52;c;aGk="u8.ToArray(), 0x07, 0xff, 0xfe, .. "\"}"u8.ToArray(), 0x00, .. " end"u8.ToArray()];
        Assert.Equal(expected, exact);
        foreach (string field in new[] { "signal", "wallTimeMs", "stdoutTruncated", "stderrTruncated", "warnings", "violations", "limits", "cpuTimeMs", "peakMemoryBytes" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }
    }

    [Fact]
    public async Task Json_of_echo_hi_says_exited()
    {
        var (code, stdout, _) = await CordonAsync("run", "--json", "--", "echo", "hi");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("exited", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("hi\n", doc.RootElement.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task The_summary_neutralises_guest_escape_sequences()
    {
        var (_, _, stderr) = await CordonAsync("run", "--env", "X=\u001b[2J", "--", "sh", "-c", "exit 1");
        Assert.DoesNotContain("\u001b", stderr);
    }

    [Fact]
    public async Task The_cli_runs_rootless_as_an_unprivileged_user()
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp",
                     "dotnet", Path.Combine(AppContext.BaseDirectory, "cordon.dll"), "run", "--json", "--", "sh", "-c", "cat /etc/shadow; id -u" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("exited", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("1000\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Contains("No such file", doc.RootElement.GetProperty("stderr").GetString());
    }
}
