using Cordon.Execution;
using Wasmtime;

namespace Cordon.Backends.Wasm.Tests;

public sealed class HelloTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task Hello_wasm_exits_0_and_prints_hello()
    {
        string hello = Path.Combine(TestSupport.RepositoryRoot, "examples", "hello.wasm");
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(hello));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.IsSuccess);
        Assert.Equal("hello\n", result.Stdout());
        Assert.Equal(0, result.StandardError.TotalBytes);
        Assert.Equal(65536, result.Usage.PeakMemoryBytes);
        Assert.Equal("wasm", fixture.Backend.Name);
    }

    [Fact]
    public async Task Hello_wat_text_runs_the_same()
    {
        string hello = Path.Combine(TestSupport.RepositoryRoot, "examples", "wasm", "hello.wat");
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(hello));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("hello\n", result.Stdout());
    }

    [Fact]
    public void Committed_hello_binaries_are_the_compiled_hello_wat()
    {
        string examples = Path.Combine(TestSupport.RepositoryRoot, "examples");
        byte[] compiled = Module.ConvertText(File.ReadAllText(Path.Combine(examples, "wasm", "hello.wat")));

        Assert.Equal(compiled, File.ReadAllBytes(Path.Combine(examples, "wasm", "hello.wasm")));
        Assert.Equal(compiled, File.ReadAllBytes(Path.Combine(examples, "hello.wasm")));
    }

    [Fact]
    public async Task Proc_exit_code_passes_through_as_Exited()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(7, result.ExitCode);
        Assert.False(result.IsSuccess);
        Assert.Null(result.Detail);
    }

    [Fact]
    public async Task Run_measures_wall_time_and_fuel()
    {
        WasmRunResult run = await fixture.Backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"));

        Assert.True(run.Result.WallTime > TimeSpan.Zero);
        Assert.True(run.FuelConsumed > 0, $"fuel {run.FuelConsumed}");
        Assert.Null(run.TrapCode);
    }
}
