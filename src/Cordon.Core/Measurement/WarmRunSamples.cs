using System.Diagnostics;
using Cordon.Execution;

namespace Cordon.Measurement;

/// <summary>
/// The warm, in-process cost of one run repeated through a tier, for the benchmark harness: each run's end-to-end time
/// (as the caller sees it, hand-off to the tier's worker and back included) and the time the tier reports inside it
/// (<see cref="SandboxResult.WallTime"/>). Each tier's public measurement record is built from these.
/// </summary>
/// <param name="Iterations">Measured runs (after warm-up).</param>
/// <param name="EndToEndMicroseconds">Each run's end-to-end time, sorted.</param>
/// <param name="InsideMicroseconds">Each run's <see cref="SandboxResult.WallTime"/>, sorted.</param>
internal sealed record WarmRunSamples(int Iterations, double[] EndToEndMicroseconds, double[] InsideMicroseconds)
{
    /// <summary>Median end-to-end time.</summary>
    internal double MedianEndToEnd => EndToEndMicroseconds[Iterations / 2];

    /// <summary>Mean end-to-end time.</summary>
    internal double MeanEndToEnd => EndToEndMicroseconds.Average();

    /// <summary>99th-percentile end-to-end time.</summary>
    internal double P99EndToEnd => EndToEndMicroseconds[Math.Min(Iterations - 1, (int)(Iterations * 0.99))];

    /// <summary>Median time inside the tier.</summary>
    internal double MedianInside => InsideMicroseconds[Iterations / 2];

    /// <summary>
    /// Runs <paramref name="run"/> max(10, iterations / 10) times to warm up (caches, worker threads), then
    /// <paramref name="iterations"/> times measured. Every run must succeed.
    /// </summary>
    /// <exception cref="InvalidOperationException">A run did not succeed.</exception>
    internal static async Task<WarmRunSamples> CollectAsync(Func<CancellationToken, Task<SandboxResult>> run, int iterations,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        for (int i = 0; i < Math.Max(10, iterations / 10); i++)
        {
            Check(await run(cancellationToken).ConfigureAwait(false));
        }

        var total = new double[iterations];
        var inside = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            SandboxResult result = await run(cancellationToken).ConfigureAwait(false);
            total[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            inside[i] = result.WallTime.TotalMicroseconds;
            Check(result);
        }

        Array.Sort(total);
        Array.Sort(inside);
        return new WarmRunSamples(iterations, total, inside);
    }

    private static void Check(SandboxResult result)
    {
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"a measured run did not succeed: {result.Outcome} {result.Detail}");
        }
    }
}
