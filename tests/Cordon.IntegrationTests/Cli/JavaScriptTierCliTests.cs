using System.Diagnostics;
using System.Text.Json;
using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Cli;

/// <summary>The JavaScript tier through the CLI, plain and contained in the process tier: same verdict names, same JSON, plus its denials.</summary>
public class JavaScriptTierCliTests : SandboxTest
{
    private static readonly string Repository = CordonBinary.Repository;

    private static string Script(string name) => CordonBinary.JsScript(name);

    private static async Task<(int Code, string Stdout, string Stderr)> CordonAsync(params string[] args)
    {
        (int code, byte[] stdout, string stderr) = await CordonBinary.RunAsync(args);
        return (code, System.Text.Encoding.UTF8.GetString(stdout), stderr);
    }

    [Fact]
    public async Task Hello_js_works_as_the_readme_shows()
    {
        var (code, stdout, stderr) = await CordonAsync("run", "--tier", "js", "--", Path.Combine(Repository, "examples", "js", "hello.js"));
        Assert.Equal(0, code);
        Assert.Equal("hello, world, from a script with no require\n2 ** 64 = 18446744073709551616\n", stdout);
        Assert.StartsWith("cordon: exited (exit 0)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Doors_are_denied_by_name_in_the_json_report(bool contain)
    {
        List<string> args = ["run", "--tier", "js", "--json"];
        if (contain) args.Add("--contain");
        args.AddRange(["--", Script("doors.js")]);
        var (code, stdout, _) = await CordonAsync([.. args]);
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, code);
        Assert.Equal("js", report.GetProperty("tier").GetString());
        Assert.Equal("exited", report.GetProperty("outcome").GetString());
        string[] denials = [.. report.GetProperty("js").GetProperty("denials").EnumerateArray().Select(d => d.GetString()!)];
        Assert.Contains(denials, d => d.StartsWith("require: not defined", StringComparison.Ordinal));
        Assert.Contains(denials, d => d.StartsWith("import 'fs': refused", StringComparison.Ordinal));
        Assert.Equal(contain, report.GetProperty("warnings").EnumerateArray().Any(w => w.GetString()!.StartsWith("contained:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_loop_without_calls_is_stopped_at_the_wall_limit(bool contain)
    {
        List<string> args = ["run", "--tier", "js", "--json", "--time", "500ms"];
        if (contain) args.Add("--contain");
        args.AddRange(["--", Script("infinite-loop.js")]);
        var (code, stdout, _) = await CordonAsync([.. args]);
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("wall_time_exceeded", report.GetProperty("outcome").GetString());
        Assert.Equal(124, code);
        if (!contain) Assert.Equal("wall_time", report.GetProperty("js").GetProperty("limit").GetString());
    }

    [Fact]
    public async Task The_statement_budget_is_a_cpu_verdict_named_statements()
    {
        var (code, stdout, _) = await CordonAsync("run", "--tier", "js", "--json", "--js-statements", "5000", "--", Script("infinite-loop.js"));
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("cpu_time_exceeded", report.GetProperty("outcome").GetString());
        Assert.Equal("statements", report.GetProperty("js").GetProperty("limit").GetString());
        Assert.Equal(152, code);
    }

    [Fact]
    public async Task A_memory_bomb_is_a_memory_verdict()
    {
        var (code, stdout, _) = await CordonAsync("run", "--tier", "js", "--json", "--memory", "32M", "--", Script("memory-arraybuffer.js"));
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("memory_exceeded", report.GetProperty("outcome").GetString());
        Assert.Equal("memory", report.GetProperty("js").GetProperty("limit").GetString());
        Assert.Equal(137, code);
    }

    [Fact]
    public async Task Js_only_options_are_refused_elsewhere_and_contain_is_refused_for_the_process_tier()
    {
        var (code, _, stderr) = await CordonAsync("run", "--js-statements", "10", "--", "true");
        Assert.Equal(125, code);
        Assert.Contains("--tier js", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await CordonAsync("run", "--contain", "--", "true");
        Assert.Equal(125, code);
        Assert.Contains("--contain belongs to the wasm and js tiers", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_knows_the_js_tier_and_doctor_reports_it()
    {
        var (code, stdout, _) = await CordonAsync("audit", "minimal", "--tier", "js", "--no-host");
        Assert.Equal(0, code);
        Assert.Contains("JavaScript tier in process: the script's only boundary is the engine", stdout, StringComparison.Ordinal);
        (_, stdout, _) = await CordonAsync("doctor");
        Assert.Contains("js tier", stdout, StringComparison.Ordinal);
        Assert.Contains("a probe script ran", stdout, StringComparison.Ordinal);
    }
}
