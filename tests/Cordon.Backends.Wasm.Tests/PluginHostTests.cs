using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

/// <summary>The calculator plugin host: a module gets exactly env::add, and provably nothing else.</summary>
public sealed class PluginHostTests : IDisposable
{
    private readonly WasmSandboxBackend _backend;
    private int _calls;

    public PluginHostTests()
    {
        _backend = new WasmSandboxBackend(WasmBackendOptions.Default
            .WithWasi(false)
            .Grant(WasmHostFunction.Create<int, int, int>("env", "add", (a, b) =>
            {
                Interlocked.Increment(ref _calls);
                return a + b;
            }))
            .WithInvoke("sum3")
            .WithFuel(1_000_000));
    }

    private static string Calculator => Path.Combine(AppContext.BaseDirectory, "calculator.wat");

    [Fact]
    public async Task The_plugin_uses_its_single_granted_function()
    {
        WasmRunResult run = await _backend.RunWasmAsync(TestSupport.Policy(), new SandboxCommand(Calculator, ["1", "2", "39"]));

        run.Result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("42\n", run.Result.Stdout());
        Assert.Equal(2, _calls);
        Assert.True(run.FuelConsumed is > 0 and < 100);
    }

    [Fact]
    public async Task A_plugin_importing_the_clock_it_was_not_given_fails_naming_clock_time_get()
    {
        SandboxResult result = await _backend.RunAsync(TestSupport.Policy(), TestSupport.Command("plugin_clock.wat", "1", "2", "3"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Equal("module needs an import this sandbox does not grant: wasi_snapshot_preview1::clock_time_get (function (i32, i64, i32) -> i32); "
            + "granted: env::add (i32, i32) -> i32", result.Detail);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task A_plugin_importing_path_open_it_was_not_given_fails_naming_path_open()
    {
        SandboxResult result = await _backend.RunAsync(TestSupport.Policy(), TestSupport.Command("plugin_files.wat", "1", "2", "3"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("wasi_snapshot_preview1::path_open (function", result.Detail);
        Assert.DoesNotContain("WASI preview 1", result.Detail);
    }

    [Fact]
    public async Task A_plugin_asking_for_host_memory_fails_naming_it()
    {
        SandboxResult result = await _backend.RunAsync(TestSupport.Policy(), TestSupport.Command("plugin_memory_import.wat", "1", "2", "3"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("env::memory (memory; the wasm tier grants functions only)", result.Detail);
    }

    [Fact]
    public async Task A_WASI_command_cannot_run_in_the_plugin_host()
    {
        string hello = Path.Combine(TestSupport.RepositoryRoot, "examples", "hello.wasm");
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithWasi(false));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), new SandboxCommand(hello));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("wasi_snapshot_preview1::fd_write", result.Detail);
        Assert.EndsWith("granted: nothing", result.Detail);
    }

    public void Dispose() => _backend.Dispose();
}
