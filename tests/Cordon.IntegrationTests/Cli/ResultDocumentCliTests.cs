using System.Diagnostics;
using System.Text;
using Cordon.Contracts;
using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Cli;

/// <summary>
/// Every surface of the CLI writes the one result document (validated by strict reading), <c>--status-fd</c> keeps the
/// verdict off the guest's streams, and <c>--contain</c> streams the guest's output while it runs.
/// </summary>
public class ResultDocumentCliTests : SandboxTest
{
    private static readonly string Cordon = CordonBinary.Dll;

    private static string Module(string name) => CordonBinary.WasmModule(name);

    private static List<(string Tier, string[] Args)> Surfaces(string script) =>
    [
        ("process", ["run", "--json", "--", "/bin/echo", "hi"]),
        ("process", ["run", "--json", "--time", "1s", "--", "/bin/sleep", "5"]),
        ("wasm", ["run", "--json", "--tier", "wasm", "--", Module("trivial.wat")]),
        ("wasm", ["run", "--json", "--tier", "wasm", "--contain", "--", Module("exit_code.wat")]),
        ("js", ["run", "--json", "--tier", "js", "--", script]),
        ("js", ["run", "--json", "--tier", "js", "--contain", "--", script]),
        ("wasm", ["run", "--json", "--tier", "wasm", "--", "/nonexistent/module.wasm"]),
        ("process", ["run", "--json", "--memory", "lots", "--", "/bin/true"]),
    ];

    [Fact]
    public async Task Every_surface_writes_a_valid_document_of_its_tier()
    {
        string script = Path.Combine(HostTempDirectory(), "hello.js");
        await File.WriteAllTextAsync(script, "console.log('hello from js')");
        foreach ((string tier, string[] args) in Surfaces(script))
        {
            (int code, byte[] stdout, string stderr) = await CordonBinary.RunAsync(args);
            Assert.True(RunDocuments.TryRead(stdout, out RunDocument? document, out string problem), $"{string.Join(' ', args)} (exit {code}): {problem}\n{stderr}");
            Assert.Equal(tier, document!.Tier);
            Assert.Equal(RunDocuments.Schema, document.Schema);
            Assert.False(string.IsNullOrEmpty(document.Reason));
        }
    }

    [Fact]
    public async Task Status_fd_carries_the_document_while_stdout_carries_only_the_guest()
    {
        string dir = HostTempDirectory();
        string report = Path.Combine(dir, "report.json");
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet {Cordon} run --quiet --status-fd 3 -- /bin/echo guest-only 3>{report}");
        using var process = Process.Start(start)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("guest-only\n", stdout);
        Assert.True(RunDocuments.TryRead(await File.ReadAllBytesAsync(report), out RunDocument? document, out string problem), problem);
        Assert.Equal("guest-only\n", document!.Stdout);
        Assert.Equal("exit.success", document.Reason);

        (int code, _, string stderr) = await CordonBinary.RunAsync(["run", "--status-fd", "9", "--", "/bin/true"]);
        Assert.Equal(125, code);
        Assert.Contains("descriptor 9 was not passed to cordon", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("js")]
    [InlineData("wasm")]
    public async Task Contained_output_reaches_the_caller_while_the_guest_still_runs(string tier)
    {
        string dir = HostTempDirectory();
        string program = Path.Combine(dir, tier == "js" ? "spin.js" : "spin.wat");
        await File.WriteAllTextAsync(program, tier == "js"
            ? "console.log('first line'); for (;;) {}"
            : """
              (module
                (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                (memory (export "memory") 1)
                (data (i32.const 16) "first line\n")
                (func (export "_start")
                  (i32.store (i32.const 0) (i32.const 16))
                  (i32.store (i32.const 4) (i32.const 11))
                  (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                  (loop $spin (br $spin))))
              """);
        string report = Path.Combine(dir, "report.json");
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        string budget = tier == "js" ? "--js-statements none" : "--fuel none";
        start.ArgumentList.Add($"exec dotnet {Cordon} run --tier {tier} --contain {budget} --time 6s --cpu 6s --quiet --status-fd 3 -- {program} 3>{report}");
        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        bool runningWhenItArrived = !process.HasExited;
        string rest = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal("first line", first);
        Assert.True(runningWhenItArrived, "the first line arrived only after the run ended");
        Assert.Equal("", rest);
        Assert.True(RunDocuments.TryRead(await File.ReadAllBytesAsync(report), out RunDocument? document, out string problem), problem);
        Assert.Equal(tier, document!.Tier);
        Assert.Contains(document.Outcome, new[] { "wall_time_exceeded", "cpu_time_exceeded" });
        Assert.Equal("first line\n", document.Stdout);
    }
}
