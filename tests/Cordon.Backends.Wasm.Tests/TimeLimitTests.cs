using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

[Collection(SerialMeasurements.Name)]
public sealed class TimeLimitTests
{
    [Fact]
    public async Task Infinite_loop_without_calls_is_stopped_by_the_epoch_at_the_wall_limit()
    {
        // Fuel off, so that only the epoch can stop it; CPU limit above the wall limit.
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit());
        var limit = TimeSpan.FromMilliseconds(300);

        SandboxResult result = await backend.RunAsync(
            TestSupport.Policy(p => p.WithWallTime(limit).WithCpuTime(TimeSpan.FromSeconds(30))),
            TestSupport.Command("infinite_loop.wat"));

        result.AssertOutcome(SandboxOutcome.WallTimeExceeded);
        Assert.Equal("wall-time limit 300ms reached", result.Detail);
        // The limit held, and the outcome says the epoch stopped it (the 30 s CPU limit would say cpu_time_exceeded);
        // latency after the limit is bench/run's to measure.
        Assert.True(result.WallTime >= limit, $"wall {result.WallTime}");
        Assert.True(result.Usage.UserCpuTime > TimeSpan.FromMilliseconds(10), $"a spinning guest should show CPU time, got {result.Usage.UserCpuTime}");
    }

    [Fact]
    public async Task Infinite_loop_is_stopped_at_the_cpu_limit_measured_as_thread_cpu_time()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit());

        SandboxResult result = await backend.RunAsync(
            TestSupport.Policy(p => p.WithWallTime(TimeSpan.FromSeconds(20)).WithCpuTime(TimeSpan.FromMilliseconds(300))),
            TestSupport.Command("infinite_loop.wat"));

        result.AssertOutcome(SandboxOutcome.CpuTimeExceeded);
        Assert.StartsWith("cpu-time limit 300ms reached", result.Detail);
        Assert.True(result.Usage.TotalCpuTime >= TimeSpan.FromMilliseconds(300), $"cpu {result.Usage.TotalCpuTime}");
        Assert.True(result.WallTime < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_module_sleeping_in_poll_oneoff_is_stopped_at_the_wall_limit()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("sleep_ms"));
        var limit = TimeSpan.FromMilliseconds(300);

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(limit)),
            TestSupport.Command("sleep.wat", "60000"));

        result.AssertOutcome(SandboxOutcome.WallTimeExceeded);
        Assert.True(result.WallTime >= limit, $"wall {result.WallTime}");
        Assert.True(result.WallTime < TimeSpan.FromSeconds(30), $"wall {result.WallTime}: the 60 s sleep was not interrupted");
        Assert.True(result.Usage.TotalCpuTime < limit, $"sleeping must not burn CPU: {result.Usage.TotalCpuTime}");
    }

    [Fact]
    public async Task A_short_sleep_completes_and_reports_its_clock_event()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("sleep_ms"));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), TestSupport.Command("sleep.wat", "50"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("slept\n0\n", result.Stdout());
        Assert.True(result.WallTime >= TimeSpan.FromMilliseconds(49), $"wall {result.WallTime}");
    }

    [Fact]
    public async Task Cancellation_stops_a_spinning_module_and_reports_Canceled()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit());
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(TimeSpan.FromSeconds(30))),
            TestSupport.Command("infinite_loop.wat"), cancellation.Token);

        result.AssertOutcome(SandboxOutcome.Canceled);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(5), $"wall {result.WallTime}");
    }

    [Fact]
    public async Task Cancellation_wakes_a_sleeping_module()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("sleep_ms"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(TimeSpan.FromSeconds(30))),
            TestSupport.Command("sleep.wat", "60000"), cancellation.Token);

        result.AssertOutcome(SandboxOutcome.Canceled);
        Assert.True(result.WallTime < TimeSpan.FromSeconds(5), $"wall {result.WallTime}");
    }

    [Fact]
    public async Task An_already_cancelled_token_runs_nothing()
    {
        using var backend = new WasmSandboxBackend();

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"), new CancellationToken(canceled: true));

        result.AssertOutcome(SandboxOutcome.Canceled);
        Assert.Equal(TimeSpan.Zero, result.WallTime);
    }
}
