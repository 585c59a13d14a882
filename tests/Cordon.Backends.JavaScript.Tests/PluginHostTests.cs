using System.Text.Json;
using Cordon.Execution;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>A script given exactly one host function gets that function and provably nothing else.</summary>
public sealed class PluginHostTests
{
    private static readonly JavaScriptHostFunction Add = JavaScriptHostFunction.Create<double, double, double>("add", (a, b) => a + b);

    [Fact]
    public async Task One_granted_function_is_the_only_difference_from_a_bare_run()
    {
        using var bare = new JavaScriptSandboxBackend();
        using var plugin = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithHostFunctions(Add));
        string[] bareGlobals = await Globals(bare);
        string[] pluginGlobals = await Globals(plugin);
        Assert.Equal(["add"], pluginGlobals.Except(bareGlobals));
        Assert.Empty(bareGlobals.Except(pluginGlobals));
        // And the bare surface is the standard library plus the tier's three capabilities: nothing from Node or a browser.
        Assert.Contains("console", bareGlobals);
        Assert.Contains("args", bareGlobals);
        Assert.Contains("env", bareGlobals);
        Assert.DoesNotContain("readFile", bareGlobals);     // the default policy grants no file
        foreach (string door in (string[])["require", "process", "fetch", "setTimeout", "WebAssembly", "XMLHttpRequest"])
        {
            Assert.DoesNotContain(door, bareGlobals);
        }
    }

    [Fact]
    public async Task The_function_takes_exactly_its_types_and_exposes_nothing_behind_it()
    {
        using var plugin = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithHostFunctions(Add));
        JavaScriptRunResult run = await plugin.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("use-host-function.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("""
            add(2, 3) = 5
            TypeError: add: argument 1 must be a number
            TypeError: add: argument 1 must be a number
            TypeError: add takes 2 arguments, got 1
            add.constructor === Function: true
            keys: ["length","name"]

            """.ReplaceLineEndings("\n"), run.Result.Stdout());
    }

    [Fact]
    public async Task A_failing_host_function_ends_the_run_trapped_and_the_script_cannot_catch_it()
    {
        var failing = JavaScriptHostFunction.Create<double, double>("explode", _ => throw new InvalidOperationException("host side failed"));
        using var plugin = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithHostFunctions(failing));
        JavaScriptRunResult run = await plugin.RunSourceAsync(TestSupport.Policy(), "try { explode(1); } catch (e) { console.log('caught'); }", new SandboxCommand("x.js"));
        run.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal("trap: host_function_error (explode threw InvalidOperationException: host side failed)", run.Result.Detail);
        Assert.Equal("", run.Result.Stdout());
    }

    [Fact]
    public void A_host_function_may_not_replace_a_capability_of_the_tier_or_a_standard_global()
    {
        var console = JavaScriptHostFunction.CreateAction<string>("console", _ => { });
        Assert.Throws<ArgumentException>(() => new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithHostFunctions(console)));
        var json = JavaScriptHostFunction.Create<string, string>("JSON", s => s);
        Assert.Contains("standard global", Assert.Throws<ArgumentException>(() => new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithHostFunctions(json))).Message, StringComparison.Ordinal);
    }

    private static async Task<string[]> Globals(JavaScriptSandboxBackend backend)
    {
        JavaScriptRunResult run = await backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("globals.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        return JsonSerializer.Deserialize<string[]>(run.Result.Stdout())!;
    }
}
