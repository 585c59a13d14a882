using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

/// <remarks>
/// No test here bounds how long a run took: a module that cannot end on its own (an endless loop, or a sleep of a day)
/// meets a limit far beyond the test's safety net, so the outcome of the limit under test is the proof that it
/// interrupted the module; a run that was not interrupted fails the wait instead.
/// </remarks>
[Collection(SerialMeasurements.Name)]
public sealed class TimeLimitTests
{
    /// <summary>How long a test waits for an outcome at most: far more than any limit under test, far less than the others.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    /// <summary>A limit the run must never reach: the test's safety net ends first.</summary>
    private static readonly TimeSpan Unreachable = TimeSpan.FromHours(1);

    /// <summary>A sleep no run waits out (a day, in the module's milliseconds).</summary>
    private const string EndlessSleepMilliseconds = "86400000";
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
            TestSupport.Policy(p => p.WithWallTime(Unreachable).WithCpuTime(TimeSpan.FromMilliseconds(300))),
            TestSupport.Command("infinite_loop.wat")).WaitAsync(SafetyNet);

        // The loop never ends and the wall limit is an hour away: only the CPU limit can have ended it.
        result.AssertOutcome(SandboxOutcome.CpuTimeExceeded);
        Assert.StartsWith("cpu-time limit 300ms reached", result.Detail);
        Assert.True(result.Usage.TotalCpuTime >= TimeSpan.FromMilliseconds(300), $"cpu {result.Usage.TotalCpuTime}");
    }

    [Fact]
    public async Task A_module_sleeping_in_poll_oneoff_is_stopped_at_the_wall_limit()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("sleep_ms"));
        var limit = TimeSpan.FromMilliseconds(300);

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(limit).WithCpuTime(Unreachable)),
            TestSupport.Command("sleep.wat", EndlessSleepMilliseconds)).WaitAsync(SafetyNet);

        // A sleep of a day that ended within the safety net as the wall limit's outcome was interrupted by it.
        result.AssertOutcome(SandboxOutcome.WallTimeExceeded);
        Assert.True(result.WallTime >= limit, $"wall {result.WallTime}");
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

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(Unreachable).WithCpuTime(Unreachable)),
            TestSupport.Command("infinite_loop.wat"), cancellation.Token).WaitAsync(SafetyNet);

        // Neither limit can fire before the safety net, and the loop never ends: only the cancellation can have stopped it.
        result.AssertOutcome(SandboxOutcome.Canceled);
    }

    [Fact]
    public async Task Cancellation_wakes_a_sleeping_module()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("sleep_ms"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(Unreachable).WithCpuTime(Unreachable)),
            TestSupport.Command("sleep.wat", EndlessSleepMilliseconds), cancellation.Token).WaitAsync(SafetyNet);

        // A sleep of a day under an hour's wall limit, ended within the safety net: the cancellation woke it.
        result.AssertOutcome(SandboxOutcome.Canceled);
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
