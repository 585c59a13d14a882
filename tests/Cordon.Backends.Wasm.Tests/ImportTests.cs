using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class ImportTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task A_module_importing_an_ungranted_host_function_fails_naming_the_import()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("ungranted_import.wat"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Equal("module needs an import this sandbox does not grant: env::read_secret (function () -> i64); "
            + "granted: WASI preview 1 (wasi_snapshot_preview1::*)", result.Detail);
        Assert.Equal(TimeSpan.Zero, result.WallTime);
    }

    [Fact]
    public async Task A_granted_function_with_the_wrong_signature_is_named_with_both_types()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default
            .Grant(WasmHostFunction.Create<int, int>("env", "read_secret", x => x)));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), TestSupport.Command("ungranted_import.wat"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("env::read_secret is imported as () -> i64 but granted as (i32) -> i32", result.Detail);
    }

    [Fact]
    public void Granting_a_WASI_name_while_WASI_is_linked_is_refused()
    {
        var options = WasmBackendOptions.Default.Grant(WasmHostFunction.Create<int>("wasi_snapshot_preview1", "random_get", () => 4));

        Assert.Throws<ArgumentException>(() => new WasmSandboxBackend(options));
    }

    [Fact]
    public void Host_functions_take_only_wasm_number_types()
    {
        Assert.Throws<ArgumentException>(() => WasmHostFunction.Create<string, int>("env", "f", s => s.Length));
        Assert.Throws<ArgumentException>(() => WasmBackendOptions.Default
            .Grant(WasmHostFunction.Create<int>("env", "f", () => 1))
            .Grant(WasmHostFunction.Create<long>("env", "f", () => 1)));
        Assert.Equal("env::add (i32, i32) -> i32", WasmHostFunction.Create<int, int, int>("env", "add", (a, b) => a + b).ToString());
        Assert.Equal("env::log (f64) -> ()", WasmHostFunction.CreateAction<double>("env", "log", _ => { }).ToString());
    }
}
