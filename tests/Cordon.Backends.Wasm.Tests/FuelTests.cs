using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class FuelTests
{
    [Fact]
    public async Task Fuel_exhaustion_ends_the_run_CpuTimeExceeded_and_reports_the_fuel_consumed()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithFuel(5_000_000));

        // Only the fuel may end the loop: the time limits are far beyond what 5 million units take on any machine.
        WasmRunResult run = await backend.RunWasmAsync(TestSupport.Policy(p => p.WithWallTime(TimeSpan.FromMinutes(10)).WithCpuTime(TimeSpan.FromMinutes(10))),
            TestSupport.Command("infinite_loop.wat"));

        run.Result.AssertOutcome(SandboxOutcome.CpuTimeExceeded);
        Assert.Equal("fuel exhausted: consumed 5,000,000 of 5,000,000 units", run.Result.Detail);
        Assert.Equal(5_000_000, run.FuelConsumed);
        Assert.Null(run.TrapCode);
    }

    [Fact]
    public async Task Fuel_is_deterministic_for_the_same_module_and_input()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("times").WithWasi(false)
            .Grant(WasmHostFunction.Create<int, int, int>("env", "add", (a, b) => a + b)));
        string calculator = Path.Combine(AppContext.BaseDirectory, "calculator.wat");

        WasmRunResult first = await backend.RunWasmAsync(TestSupport.Policy(), new SandboxCommand(calculator, ["3", "1000"]));
        WasmRunResult second = await backend.RunWasmAsync(TestSupport.Policy(), new SandboxCommand(calculator, ["3", "1000"]));

        first.Result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("3000\n", first.Result.Stdout());
        Assert.Equal(first.FuelConsumed, second.FuelConsumed);
        Assert.InRange(first.FuelConsumed!.Value, 1000, 100_000);
    }

    [Fact]
    public async Task Without_fuel_metering_no_fuel_is_reported()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit());

        WasmRunResult run = await backend.RunWasmAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"));

        Assert.Equal(7, run.Result.ExitCode);
        Assert.Null(run.FuelConsumed);
    }

    [Fact]
    public void Fuel_budget_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WasmBackendOptions.Default.WithFuel(0));
        Assert.Equal(WasmBackendOptions.DefaultFuel, WasmBackendOptions.Default.Fuel);
    }
}
