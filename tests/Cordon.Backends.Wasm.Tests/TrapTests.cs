using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class TrapTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task Deep_recursion_traps_with_stack_overflow_and_the_host_survives()
    {
        WasmRunResult run = await fixture.Backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("deep_recursion.wat"));

        run.Result.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal("stack_overflow", run.TrapCode);
        Assert.Equal("trap: stack_overflow", run.Result.Detail);

        // Same backend, same worker threads: still fine.
        SandboxResult after = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"));
        Assert.Equal(7, after.ExitCode);
    }

    [Fact]
    public async Task Repeated_stack_overflows_do_not_hurt_the_host()
    {
        for (int i = 0; i < 20; i++)
        {
            WasmRunResult run = await fixture.Backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("deep_recursion.wat"));
            Assert.Equal("stack_overflow", run.TrapCode);
        }
    }

    [Theory]
    [InlineData("unreachable", new string[0], "unreachable")]
    [InlineData("out_of_bounds", new string[0], "memory_out_of_bounds")]
    [InlineData("divide", new[] { "1", "0" }, "integer_division_by_zero")]
    [InlineData("divide", new[] { "-2147483648", "-1" }, "integer_overflow")]
    public async Task Traps_are_Trapped_with_a_snake_case_code(string export, string[] arguments, string code)
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke(export));

        WasmRunResult run = await backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("numbers.wat", arguments));

        run.Result.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal(code, run.TrapCode);
        Assert.Equal($"trap: {code}", run.Result.Detail);
        Assert.Null(run.Result.ExitCode);
    }

    [Fact]
    public async Task A_throwing_host_function_traps_the_guest_with_host_function_error()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithWasi(false).WithInvoke("run")
            .Grant(WasmHostFunction.Create<int, int, int>("env", "divide", (a, b) => b == 0 ? throw new DivideByZeroException() : a / b)));

        WasmRunResult run = await backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("host_boom.wat"));

        run.Result.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal("host_function_error", run.TrapCode);
        Assert.Contains("env::divide threw DivideByZeroException", run.Result.Detail);
    }

    [Fact]
    public async Task A_host_function_dereferencing_null_traps_the_guest_and_the_host_survives()
    {
        string? nothing = null;
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithWasi(false).WithInvoke("run")
            .Grant(WasmHostFunction.Create<int, int, int>("env", "divide", (a, b) => nothing!.Length + a + b)));

        WasmRunResult run = await backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("host_boom.wat"));
        WasmRunResult again = await backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("host_boom.wat"));

        Assert.Equal("host_function_error", run.TrapCode);
        Assert.Contains("env::divide threw NullReferenceException", run.Result.Detail);
        Assert.Equal("host_function_error", again.TrapCode);
    }
}
