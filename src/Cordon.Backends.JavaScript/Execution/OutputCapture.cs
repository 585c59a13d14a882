using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Keeps at most the policy's cap of one stream in memory, counts everything, and forwards kept bytes to the caller's
/// observer as they arrive. Fed by the console host functions on the engine thread.
/// </summary>
internal sealed class OutputCapture(OutputStream stream, ResourceLimits limits, OutputObserver? observer, RunState run)
{
    private readonly object _gate = new();
    private readonly CappedOutputBuffer _buffer = new(limits.MaxOutputBytes);
    private bool _truncated;

    /// <summary>True once nothing more will be kept (so callers can skip formatting).</summary>
    internal bool IsFull => Volatile.Read(ref _truncated);

    /// <summary>Appends script output.</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (run.IsFinished)
            {
                return;
            }

            int keep = _buffer.Append(data).Length;
            if (keep < data.Length && !_truncated)
            {
                Volatile.Write(ref _truncated, true);
                if (limits.OutputAction == OutputAction.Kill)
                {
                    run.RequestStop(StopReason.OutputExceeded, stream == OutputStream.StandardOutput ? "stdout" : "stderr");
                    throw new RunInterruptedException(StopReason.OutputExceeded);
                }
            }

            if (keep > 0 && observer is not null && run.ObserverFailure is null)
            {
                try
                {
                    observer(stream, data[..keep]);
                }
                catch (Exception e)
                {
                    // The caller's code failed: stop the script and rethrow to the caller after the run.
                    run.ObserverFailure = e;
                    run.RequestStop(StopReason.Canceled);
                    throw new RunInterruptedException(StopReason.Canceled);
                }
            }
        }
    }

    /// <summary>Counts bytes that were not even formatted because the cap was already reached.</summary>
    internal void CountDropped(long bytes)
    {
        lock (_gate)
        {
            _buffer.CountDropped(bytes);
        }
    }

    /// <summary>What was captured.</summary>
    internal CapturedOutput ToCaptured()
    {
        lock (_gate)
        {
            return _buffer.ToCapturedOutput();
        }
    }
}
