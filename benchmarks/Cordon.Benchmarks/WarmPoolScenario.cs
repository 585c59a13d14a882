using System.Collections.Concurrent;
using System.Diagnostics;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Pool;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Benchmarks;

/// <summary>
/// The warm pool's scenario: a run of the default policy that takes a pre-built sandbox. The refill of the pool is waited
/// for outside every timed section (<see cref="Settle"/>), so that no member is being built while any scenario, this one
/// or a baseline, is measured; a run that went cold would not be a warm figure, so it fails the benchmark.
/// </summary>
internal sealed class WarmPoolScenario : IDisposable
{
    private const int Size = 2;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);
    private readonly WarmSandboxPool _pool;
    private readonly SandboxPolicy _policy;

    public WarmPoolScenario(SandboxPolicy policy)
    {
        _policy = policy;
        _pool = new WarmSandboxPool(new ProcessSandbox(new ProcessBackendOptions { TimingsObserver = Timings.Add }), policy, new WarmPoolOptions { Size = Size });
        Settle();
    }

    /// <summary>Per-phase timings of the warm runs (setup is the command message; "spawn" the send).</summary>
    public ConcurrentBag<RunTimings> Timings { get; } = [];

    /// <summary>Waits until the pool is full again, so that nothing is built in the background during a measurement.</summary>
    public void Settle()
    {
        if (!_pool.WaitForIdle(Size, SettleTimeout))
            throw new InvalidOperationException($"the warm pool did not refill: {_pool.Statistics.LastBuildFailure}");
    }

    /// <summary>One warm run of <c>/bin/true</c> through <c>RunAsync</c>, as the library scenario runs it; milliseconds.</summary>
    public double Run()
    {
        long warmBefore = _pool.Statistics.WarmRuns;
        long start = Stopwatch.GetTimestamp();
        SandboxResult r = _pool.RunAsync(_policy, new SandboxCommand("/bin/true")).GetAwaiter().GetResult();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!r.IsSuccess) throw new InvalidOperationException($"warm-pool guest failed: {r.Outcome} {r.ExitCode} {r.Detail}");
        if (_pool.Statistics.WarmRuns != warmBefore + 1) throw new InvalidOperationException("a warm-pool run went cold");
        return ms;
    }

    public void Dispose() => _pool.Dispose();
}
