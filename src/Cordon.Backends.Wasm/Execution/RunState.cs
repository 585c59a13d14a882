using System.Diagnostics;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;

namespace Cordon.Backends.Wasm;

/// <summary>
/// Per-run state shared by the thread that runs the module (with its epoch callback and host calls), the
/// cancellation callback and the epoch ticker. Stored as the Wasmtime store's data so that store-independent host functions can find it.
/// </summary>
internal sealed class RunState : IStreamCaptureRun, IDisposable
{
    private readonly TimeSpan? _wallLimit;
    private readonly TimeSpan? _cpuLimit;
    private readonly CancellationToken _cancellationToken;
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private long _startTimestamp;
    private TimeSpan _cpuAtStart;
    private int _stopReason;

    internal RunState(ResourceLimits limits, CancellationToken cancellationToken)
    {
        _wallLimit = limits.WallTime;
        _cpuLimit = ThreadCpuClock.IsSupported ? limits.CpuTime : null;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Why Cordon stopped the run, or <see cref="StopReason.None"/>; the first reason wins.</summary>
    internal StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>Which stream passed its cap when the reason is <see cref="StopReason.OutputExceeded"/>.</summary>
    internal string? OutputExceededStream { get; private set; }

    /// <summary>A granted host function that threw, and its exception.</summary>
    internal (WasmHostFunction Function, Exception Error)? HostFunctionFailure { get; set; }

    /// <summary>The files WASI writes stdout and stderr to, drained on this run's thread; null without them.</summary>
    internal OutputFiles? Output { get; set; }

    /// <summary>The caller's output observer threw; rethrown to the caller after the run.</summary>
    internal Exception? ObserverFailure { get; set; }

    /// <summary>Time since <see cref="Start"/>.</summary>
    internal TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>Wall time left before the limit, or null without one.</summary>
    internal TimeSpan? WallRemaining => _wallLimit - Elapsed;

    /// <summary>Set when Cordon wants the run stopped; sleeping host calls wait on it.</summary>
    internal WaitHandle StopSignal => _stopSignal.WaitHandle;

    /// <summary>Starts the wall clock on the worker thread, just before instantiation.</summary>
    internal void Start()
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        _cpuAtStart = ThreadCpuClock.TryRead(out TimeSpan user, out TimeSpan system) ? user + system : TimeSpan.Zero;
    }

    /// <summary>Records <paramref name="reason"/> unless another was recorded first, and wakes sleeping host calls.</summary>
    internal bool RequestStop(StopReason reason, string? stream = null)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
        {
            return false;
        }

        OutputExceededStream = stream;
        _stopSignal.Set();
        return true;
    }

    /// <summary>
    /// Called on the guest's thread at every epoch tick (and by sleeping host calls): throws
    /// <see cref="RunInterruptedException"/> when a limit has passed or a stop was requested.
    /// </summary>
    internal void ThrowIfStopRequested()
    {
        if (StopReason == StopReason.None)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                RequestStop(StopReason.Canceled);
            }
            else if (Elapsed >= _wallLimit)
            {
                RequestStop(StopReason.WallTimeExceeded);
            }
            else if (_cpuLimit is { } cpuLimit && ThreadCpuClock.TryRead(out TimeSpan user, out TimeSpan system)
                && user + system - _cpuAtStart >= cpuLimit)
            {
                RequestStop(StopReason.CpuTimeExceeded);
            }
        }

        if (StopReason != StopReason.None)
        {
            throw new RunInterruptedException(StopReason);
        }
    }

    bool IStreamCaptureRun.AcceptsOutput => true;

    bool IStreamCaptureRun.ObserverFailed => ObserverFailure is not null;

    /// <summary>With output action kill the run stops; the module traps at its next epoch check or host call.</summary>
    void IStreamCaptureRun.OnCapPassed(OutputStream stream, bool kill)
    {
        if (kill) RequestStop(StopReason.OutputExceeded, stream == OutputStream.StandardOutput ? "stdout" : "stderr");
    }

    void IStreamCaptureRun.OnObserverFailed(Exception failure)
    {
        ObserverFailure = failure;
        RequestStop(StopReason.Canceled);
    }

    public void Dispose() => _stopSignal.Dispose();
}
