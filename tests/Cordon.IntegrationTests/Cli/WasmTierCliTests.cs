using System.Diagnostics;
using System.Text.Json;
using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Cli;

/// <summary>The Wasm tier through the CLI, plain and contained in the process tier: same verdict names, same JSON.</summary>
public class WasmTierCliTests : SandboxTest
{
    private static readonly string Repository = CordonBinary.Repository;

    private static string Module(string name) => CordonBinary.WasmModule(name);

    private static async Task<(int Code, JsonElement Report)> CordonJsonAsync(params string[] args)
    {
        (int code, byte[] stdout, _) = await CordonBinary.RunAsync(args);
        return (code, JsonDocument.Parse(stdout).RootElement.Clone());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hello_wasm_exits_with_its_output(bool contain)
    {
        string[] args = contain
            ? ["run", "--tier", "wasm", "--contain", "--json", "--", Path.Combine(Repository, "examples", "hello.wasm")]
            : ["run", "--tier", "wasm", "--json", "--", Path.Combine(Repository, "examples", "hello.wasm")];
        var (code, report) = await CordonJsonAsync(args);
        Assert.Equal(0, code);
        Assert.Equal("wasm", report.GetProperty("tier").GetString());
        Assert.Equal("exited", report.GetProperty("outcome").GetString());
        Assert.Contains("hello", report.GetProperty("stdout").GetString());
        Assert.Equal(contain, report.GetProperty("warnings").EnumerateArray().Any(w => w.GetString()!.StartsWith("contained:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_loop_without_calls_is_stopped_at_the_wall_limit(bool contain)
    {
        List<string> args = ["run", "--tier", "wasm", "--json", "--time", "500ms", "--fuel", "none"];
        if (contain) args.Add("--contain");
        args.AddRange(["--", Module("infinite_loop.wat")]);
        var (code, report) = await CordonJsonAsync([.. args]);
        Assert.Equal("wall_time_exceeded", report.GetProperty("outcome").GetString());
        Assert.Equal(124, code);
    }

    [Fact]
    public async Task Fuel_exhaustion_is_a_cpu_verdict_with_the_fuel_reported()
    {
        var (code, report) = await CordonJsonAsync("run", "--tier", "wasm", "--json", "--fuel", "100000", "--", Module("infinite_loop.wat"));
        Assert.Equal("cpu_time_exceeded", report.GetProperty("outcome").GetString());
        Assert.True(report.GetProperty("wasm").GetProperty("fuelConsumed").GetInt64() >= 100000);
        Assert.Equal(152, code);
    }

    [Fact]
    public async Task Deep_recursion_is_a_stack_overflow_trap()
    {
        var (_, report) = await CordonJsonAsync("run", "--tier", "wasm", "--json", "--", Module("deep_recursion.wat"));
        Assert.Equal("trapped", report.GetProperty("outcome").GetString());
        Assert.Equal("stack_overflow", report.GetProperty("wasm").GetProperty("trapCode").GetString());
    }

    [Fact]
    public async Task Wasm_only_options_without_the_wasm_tier_are_refused()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "cordon.dll"), "run", "--fuel", "10", "--", "true" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(125, process.ExitCode);
        Assert.Contains("--tier wasm", stderr);
    }
}
