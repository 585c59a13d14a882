using System.Globalization;
using Cordon.Execution;
using Cordon.Measurement;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript;

/// <summary>Warm, in-process cost of running one script repeatedly through a backend, for the benchmark harness.</summary>
/// <param name="Iterations">Measured runs (after warm-up).</param>
/// <param name="MedianRunMicroseconds">Median end-to-end <see cref="JavaScriptSandboxBackend.RunJavaScriptAsync"/> time, including reading the script and the hand-off to a worker thread and back.</param>
/// <param name="P99RunMicroseconds">99th-percentile end-to-end time.</param>
/// <param name="MedianEngineAndRunMicroseconds">Median of <see cref="SandboxResult.WallTime"/>: a fresh engine with every limit on, the tier's globals, the allocation guards, and the script's own run, on the worker.</param>
public sealed record JavaScriptWarmRunMeasurement(int Iterations, double MedianRunMicroseconds, double P99RunMicroseconds, double MedianEngineAndRunMicroseconds)
{
    /// <summary>
    /// Runs <paramref name="command"/> <paramref name="iterations"/> times after a warm-up (which parses and caches the
    /// script and starts the worker) and measures each run. Every run must succeed.
    /// </summary>
    /// <exception cref="InvalidOperationException">A run did not exit with 0.</exception>
    public static async Task<JavaScriptWarmRunMeasurement> MeasureAsync(JavaScriptSandboxBackend backend, SandboxPolicy policy,
        SandboxCommand command, int iterations = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        WarmRunSamples samples = await WarmRunSamples.CollectAsync(token => backend.RunAsync(policy, command, token), iterations, cancellationToken)
            .ConfigureAwait(false);
        return new JavaScriptWarmRunMeasurement(iterations, samples.MedianEndToEnd, samples.P99EndToEnd, samples.MedianInside);
    }

    /// <summary>A one-line summary in microseconds.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"warm run: engine+run on the worker median {MedianEngineAndRunMicroseconds:F1} us; end to end median {MedianRunMicroseconds:F1} us (p99 {P99RunMicroseconds:F1}); {Iterations} runs");
}
