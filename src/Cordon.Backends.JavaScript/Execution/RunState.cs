using System.Collections.Immutable;
using System.Diagnostics;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Per-run state shared by the engine thread, the watchdog thread, the output capture and the cancellation callback.
/// </summary>
internal sealed class RunState : IStreamCaptureRun, IDisposable
{
    private readonly CancellationTokenSource _engineStop = new();
    private readonly CancellationToken _callerToken;
    private readonly List<string> _denials = [];
    private long _startTimestamp;
    private long _stopTimestamp;
    private long _allocatedAtStart;
    private TimeSpan _cpuAtStart;
    private int _stopReason;
    private int _finished;

    internal RunState(ResourceLimits limits, CancellationToken callerToken)
    {
        Limits = limits;
        _callerToken = callerToken;
    }

    internal ResourceLimits Limits { get; }

    /// <summary>Observed by the engine (its cancellation constraint): set when the watchdog or the caller stops the run.</summary>
    internal CancellationToken EngineToken => _engineStop.Token;

    /// <summary>Why Cordon stopped the run, or <see cref="StopReason.None"/>.</summary>
    internal StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>Which stream passed its cap when the reason is <see cref="StopReason.OutputExceeded"/>.</summary>
    internal string? OutputExceededStream { get; private set; }

    /// <summary>The kernel id of the engine thread, for the watchdog's CPU clock.</summary>
    internal int ThreadId { get; private set; }

    /// <summary>The caller's output observer threw; rethrown to the caller after the run.</summary>
    internal Exception? ObserverFailure { get; set; }

    /// <summary>True once the run's result is decided (finished, or abandoned by the watchdog): later output is dropped.</summary>
    internal bool IsFinished => Volatile.Read(ref _finished) != 0;

    /// <summary>Time since <see cref="Start"/>.</summary>
    internal TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>The engine thread's CPU time since <see cref="Start"/> (zero where it cannot be read).</summary>
    internal TimeSpan CpuTime => ThreadCpuClock.TryRead(ThreadId, out TimeSpan now) ? now - _cpuAtStart : TimeSpan.Zero;

    /// <summary>How long ago a stop was requested; null when none was.</summary>
    internal TimeSpan? SinceStopRequested => Volatile.Read(ref _stopTimestamp) is var t and not 0 ? Stopwatch.GetElapsedTime(t) : null;

    /// <summary>Bytes the engine thread has allocated since <see cref="Start"/> (the measure the engine's memory limit uses).</summary>
    internal long AllocatedBytes => GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart;

    /// <summary>Called on the engine thread just before the engine is built: starts the clocks.</summary>
    internal void Start()
    {
        ThreadId = ThreadCpuClock.CurrentThreadId();
        ThreadCpuClock.TryRead(ThreadId, out _cpuAtStart);
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    bool IStreamCaptureRun.AcceptsOutput => !IsFinished;

    bool IStreamCaptureRun.ObserverFailed => ObserverFailure is not null;

    /// <summary>With output action kill the script is unwound from inside the console call that passed the cap.</summary>
    void IStreamCaptureRun.OnCapPassed(OutputStream stream, bool kill)
    {
        if (!kill) return;
        RequestStop(StopReason.OutputExceeded, stream == OutputStream.StandardOutput ? "stdout" : "stderr");
        throw new RunInterruptedException(StopReason.OutputExceeded);
    }

    /// <summary>The caller's code failed: stop the script (unwinding it now) and rethrow to the caller after the run.</summary>
    void IStreamCaptureRun.OnObserverFailed(Exception failure)
    {
        ObserverFailure = failure;
        RequestStop(StopReason.Canceled);
        throw new RunInterruptedException(StopReason.Canceled);
    }

    /// <summary>Marks the result decided; returns false when it already was (the watchdog abandoned the run first).</summary>
    internal bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    /// <summary>Records <paramref name="reason"/> unless another was recorded first, and tells the engine to stop.</summary>
    internal bool RequestStop(StopReason reason, string? stream = null)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
        {
            return false;
        }

        OutputExceededStream = stream;
        Volatile.Write(ref _stopTimestamp, Stopwatch.GetTimestamp());
        try
        {
            _engineStop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }

        return true;
    }

    /// <summary>The watchdog's check (every tick, on its thread): caller cancellation, wall time, CPU time.</summary>
    internal void CheckLimits()
    {
        if (StopReason != StopReason.None || IsFinished)
        {
            return;
        }

        if (_callerToken.IsCancellationRequested) RequestStop(StopReason.Canceled);
        else if (Elapsed >= Limits.WallTime) RequestStop(StopReason.WallTimeExceeded);
        else if (Limits.CpuTime is { } cpu && ThreadCpuClock.IsSupported && CpuTime >= cpu) RequestStop(StopReason.CpuTimeExceeded);
    }

    /// <summary>
    /// Called on the engine thread before a built-in allocates <paramref name="bytes"/> at once (String repeat and pad,
    /// buffers, typed arrays): ends the run when that would pass the memory budget, before the allocation happens.
    /// </summary>
    internal void ChargeAllocation(double bytes)
    {
        if (Limits.MemoryBytes is { } limit && bytes > limit - AllocatedBytes)
        {
            RequestStop(StopReason.MemoryExceeded);
            throw new RunInterruptedException(StopReason.MemoryExceeded);
        }
    }

    /// <summary>Adds a denial (deduplicated, capped at <see cref="JavaScriptSandboxBackend.MaxDenials"/>).</summary>
    internal void Deny(string denial)
    {
        lock (_denials)
        {
            if (_denials.Count < JavaScriptSandboxBackend.MaxDenials && !_denials.Contains(denial))
            {
                _denials.Add(denial);
            }
        }
    }

    internal ImmutableArray<string> Denials
    {
        get
        {
            lock (_denials)
            {
                return [.. _denials];
            }
        }
    }

    public void Dispose() => _engineStop.Dispose();
}
