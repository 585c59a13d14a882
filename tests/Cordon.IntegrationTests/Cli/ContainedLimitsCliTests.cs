using Cordon.Contracts;
using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Cli;

/// <summary>
/// Under <c>--contain</c> the guest's limits hold inside too: the runner starts under them (plus only its own headroom),
/// and what the in-process tier cannot enforce (a file-size limit on WASI writes) the process tier around it does.
/// </summary>
public class ContainedLimitsCliTests : SandboxTest
{
    private static string Module(string name) => CordonBinary.WasmModule(name);

    private static async Task<(int Code, RunDocument Document)> CordonJsonAsync(params string[] args)
    {
        (int code, byte[] stdout, string stderr) = await CordonBinary.RunAsync(args);
        Assert.True(RunDocuments.TryRead(stdout, out RunDocument? document, out string problem), problem + "\n" + stderr);
        return (code, document!);
    }

    [Theory]
    [InlineData("wasm")]
    [InlineData("js")]
    public async Task The_runner_starts_under_small_guest_limits(string tier)
    {
        string program = tier == "wasm" ? Module("trivial.wat") : Path.Combine(HostTempDirectory(), "one.js");
        if (tier == "js") await File.WriteAllTextAsync(program, "console.log(1)");
        (int code, RunDocument document) = await CordonJsonAsync("run", "--json", "--tier", tier, "--contain",
            "--nofile", "16", "--fsize", "4K", "--stack", "256K", "--pids", "4", "--memory", "64M", "--", program);
        Assert.Equal(0, code);
        Assert.Equal("exit.success", document.Reason);
        Assert.Equal(16, document.Limits.OpenFiles);
        Assert.Equal(4096, document.Limits.FileSizeBytes);
        Assert.Equal(4, document.Limits.Pids);
    }

    [Fact]
    public async Task A_file_size_limit_the_wasm_tier_only_warns_about_holds_when_contained()
    {
        string plainDir = HostTempDirectory(), containedDir = HostTempDirectory();
        (int plainCode, RunDocument plain) = await CordonJsonAsync("run", "--json", "--tier", "wasm", "--fsize", "64K", "-w", plainDir, "--", Module("write_big_file.wat"));
        Assert.Equal(0, plainCode);
        Assert.Contains(plain.Warnings, w => w.StartsWith("limits.fsize:", StringComparison.Ordinal));
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(plainDir, "big")).Length);

        (int code, RunDocument contained) = await CordonJsonAsync("run", "--json", "--tier", "wasm", "--contain", "--fsize", "64K", "-w", containedDir, "--", Module("write_big_file.wat"));
        Assert.NotEqual(0, code);
        Assert.NotEqual("exit.success", contained.Reason);
        Assert.True(new FileInfo(Path.Combine(containedDir, "big")).Length <= 64 * 1024);
    }
}
