using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class InvokeTests
{
    private static async Task<SandboxResult> Invoke(string export, params string[] arguments)
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke(export));
        return await backend.RunAsync(TestSupport.Policy(), TestSupport.Command("numbers.wat", arguments));
    }

    [Theory]
    [InlineData("add", new[] { "2", "40" }, "42\n")]
    [InlineData("add", new[] { "4294967295", "1" }, "0\n")]
    [InlineData("add", new[] { "-5", "2" }, "-3\n")]
    [InlineData("mul64", new[] { "4294967296", "3" }, "12884901888\n")]
    [InlineData("mul64", new[] { "18446744073709551615", "1" }, "-1\n")]
    [InlineData("half", new[] { "5" }, "2.5\n")]
    [InlineData("half", new[] { "-inf" }, "-Infinity\n")]
    [InlineData("scale", new[] { "2" }, "3\n")]
    [InlineData("nothing", new string[0], "")]
    public async Task Typed_arguments_are_parsed_and_results_printed(string export, string[] arguments, string expected)
    {
        SandboxResult result = await Invoke(export, arguments);

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Stdout());
    }

    [Theory]
    [InlineData("add", new[] { "1" }, "export 'add' takes 2 argument(s) (i32, i32), but 1 were given")]
    [InlineData("add", new[] { "1", "x" }, "argument 2 of 'add' must be an i32")]
    [InlineData("add", new[] { "1", "4294967296" }, "argument 2 of 'add' must be an i32")]
    [InlineData("add", new[] { "1", "1.5" }, "argument 2 of 'add' must be an i32")]
    [InlineData("half", new[] { "ten" }, "argument 1 of 'half' must be an f64")]
    [InlineData("takes_ref", new string[0], "invoking passes only i32, i64, f32 and f64")]
    [InlineData("missing", new string[0], "module exports no function 'missing'; it exports 'add'")]
    public async Task Bad_arguments_fail_before_running(string export, string[] arguments, string expected)
    {
        SandboxResult result = await Invoke(export, arguments);

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains(expected, result.Detail);
    }
}
