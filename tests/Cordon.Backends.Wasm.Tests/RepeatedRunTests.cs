using System.Diagnostics;
using Cordon.Execution;
using Cordon.Units;
using Xunit.Abstractions;

namespace Cordon.Backends.Wasm.Tests;

[Collection(SerialMeasurements.Name)]
public sealed class RepeatedRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_thousand_sequential_runs_do_not_grow_memory()
    {
        using var backend = new WasmSandboxBackend();
        var policy = TestSupport.Policy();
        var command = TestSupport.Command("echo_stdin.wat") with { StandardInput = "x"u8.ToArray() };
        for (int i = 0; i < 200; i++)
        {
            (await backend.RunAsync(policy, command)).AssertOutcome(SandboxOutcome.Exited);
        }

        (long managedBefore, long workingSetBefore) = Measure();
        for (int i = 0; i < 1000; i++)
        {
            SandboxResult result = await backend.RunAsync(policy, command);
            Assert.True(result.IsSuccess && result.Stdout() == "x", result.Describe());
        }

        (long managedAfter, long workingSetAfter) = Measure();
        output.WriteLine($"managed {ByteSize.Format(managedBefore)} -> {ByteSize.Format(managedAfter)} bytes; working set {workingSetBefore / ByteSize.KiB}K -> {workingSetAfter / ByteSize.KiB}K");
        Assert.True(managedAfter - managedBefore < 2 * ByteSize.MiB, $"managed heap grew by {managedAfter - managedBefore} bytes");
        Assert.True(workingSetAfter - workingSetBefore < 32 * ByteSize.MiB, $"working set grew by {(workingSetAfter - workingSetBefore) / ByteSize.KiB}K");
    }

    [Fact]
    public async Task Concurrent_runs_all_complete()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithMaxConcurrentRuns(4));
        var policy = TestSupport.Policy();

        SandboxResult[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            backend.RunAsync(policy, TestSupport.Command(i % 2 == 0 ? "exit_code.wat" : "trivial.wat"))));

        Assert.All(results, r => Assert.Equal(SandboxOutcome.Exited, r.Outcome));
        Assert.Equal(16, results.Count(r => r.ExitCode == 7));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warm_per_run_cost_is_reported(bool pooling)
    {
        var options = WasmBackendOptions.Default;
        if (pooling)
        {
            options = options.WithPoolingAllocator(64 * ByteSize.MiB);
        }

        using var backend = new WasmSandboxBackend(options);
        WasmWarmRunMeasurement measurement = await WasmWarmRunMeasurement.MeasureAsync(backend, TestSupport.Policy(),
            TestSupport.Command("trivial.wat"), iterations: 2000);

        output.WriteLine($"pooling={pooling}: {measurement}");
        Assert.Equal(2000, measurement.Iterations);
        Assert.True(measurement.MedianRunMicroseconds > 0);
        Assert.True(measurement.MedianInstantiateAndRunMicroseconds <= measurement.MedianRunMicroseconds);
    }

    private static (long Managed, long WorkingSet) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }
}
