using System.Globalization;
using Cordon.Execution;
using Cordon.Measurement;
using Cordon.Policy;

namespace Cordon.Backends.Wasm;

/// <summary>Warm, in-process cost of running one module repeatedly through a backend, for the benchmark harness.</summary>
/// <param name="Iterations">Measured runs (after warm-up).</param>
/// <param name="MedianRunMicroseconds">Median end-to-end <see cref="WasmSandboxBackend.RunAsync"/> time, including the hand-off to a worker thread and back.</param>
/// <param name="MeanRunMicroseconds">Mean end-to-end time.</param>
/// <param name="P99RunMicroseconds">99th-percentile end-to-end time.</param>
/// <param name="MedianInstantiateAndRunMicroseconds">Median of <see cref="SandboxResult.WallTime"/>: store limits, instantiation and the guest's own run, on the worker.</param>
public sealed record WasmWarmRunMeasurement(int Iterations, double MedianRunMicroseconds, double MeanRunMicroseconds,
    double P99RunMicroseconds, double MedianInstantiateAndRunMicroseconds)
{
    /// <summary>
    /// Runs <paramref name="command"/> <paramref name="iterations"/> times after a warm-up (which compiles and caches the
    /// module and starts the worker threads) and measures each run. Every run must succeed.
    /// </summary>
    /// <exception cref="InvalidOperationException">A run did not exit with 0.</exception>
    public static async Task<WasmWarmRunMeasurement> MeasureAsync(WasmSandboxBackend backend, SandboxPolicy policy,
        SandboxCommand command, int iterations = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        WarmRunSamples samples = await WarmRunSamples.CollectAsync(token => backend.RunAsync(policy, command, token), iterations, cancellationToken)
            .ConfigureAwait(false);
        return new WasmWarmRunMeasurement(iterations, samples.MedianEndToEnd, samples.MeanEndToEnd, samples.P99EndToEnd, samples.MedianInside);
    }

    /// <summary>A one-line summary in microseconds.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"warm run: median {MedianRunMicroseconds:F1} us end to end (mean {MeanRunMicroseconds:F1}, p99 {P99RunMicroseconds:F1}); instantiate+run on the worker: median {MedianInstantiateAndRunMicroseconds:F1} us; {Iterations} runs");
}
