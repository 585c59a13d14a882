using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;

namespace Cordon.Backends.Wasm;

/// <summary>
/// Keeps at most the policy's cap of one guest stream in memory, counts everything, and forwards kept bytes to the
/// caller's observer as they arrive.
/// </summary>
/// <remarks>
/// Fed on the thread that runs the module from its <see cref="OutputFile"/> and with invoke results (or, where output
/// files are unavailable, by Wasmtime's WASI output callback on a thread of Wasmtime's own). Past the cap, bytes are counted and dropped, so host memory stays bounded by the cap.
/// </remarks>
internal sealed class OutputCapture(OutputStream stream, ResourceLimits limits, OutputObserver? observer, RunState run)
{
    private readonly object _gate = new();
    private readonly CappedOutputBuffer _buffer = new(limits.MaxOutputBytes);
    private bool _truncated;

    /// <summary>How many more bytes will be kept before the cap.</summary>
    internal long Room
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Room;
            }
        }
    }

    /// <summary>Appends guest bytes (from the output file, a WASI callback, or invoke results).</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            ReadOnlySpan<byte> kept = _buffer.Append(data);
            if (kept.Length < data.Length) OnTruncated();
            if (!kept.IsEmpty && observer is not null && run.ObserverFailure is null)
            {
                try
                {
                    observer(stream, kept);
                }
                catch (Exception e)
                {
                    // The caller's code failed: stop the guest and rethrow to the caller after the run.
                    run.ObserverFailure = e;
                    run.RequestStop(StopReason.Canceled);
                }
            }
        }
    }

    /// <summary>Counts <paramref name="count"/> guest bytes past the cap without keeping them.</summary>
    internal void Discard(long count)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _buffer.CountDropped(count);
            OnTruncated();
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

    /// <summary>The first dropped byte: with output action kill, the run ends here.</summary>
    private void OnTruncated()
    {
        if (_truncated) return;
        _truncated = true;
        if (limits.OutputAction == OutputAction.Kill)
        {
            run.RequestStop(StopReason.OutputExceeded, stream == OutputStream.StandardOutput ? "stdout" : "stderr");
        }
    }
}
