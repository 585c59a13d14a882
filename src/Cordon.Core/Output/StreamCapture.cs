using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Output;

/// <summary>
/// One guest stream as an in-process tier captures it: at most the policy's cap kept, everything counted, and each
/// kept chunk handed to the caller's observer as it arrives. One lock orders the chunks, so the observer sees them in
/// the order the guest wrote them, whichever thread feeds them.
/// </summary>
/// <remarks>
/// What passing the cap or a failing observer does to the run belongs to the tier (<see cref="IStreamCaptureRun"/>):
/// the JavaScript tier unwinds the script with an exception from inside the host call, the Wasm tier asks its run to
/// stop and lets the module trap on its next check.
/// </remarks>
public sealed class StreamCapture(OutputStream stream, ResourceLimits limits, OutputObserver? observer, IStreamCaptureRun run)
{
    private readonly Lock _gate = new();
    private readonly CappedOutputBuffer _buffer = new(limits.MaxOutputBytes);
    private bool _truncated;

    /// <summary>How many more bytes will be kept before the cap.</summary>
    public long Room
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Room;
            }
        }
    }

    /// <summary>True once bytes were dropped at the cap (so a tier can skip formatting what would be dropped).</summary>
    public bool IsFull => Volatile.Read(ref _truncated);

    /// <summary>Appends guest bytes: keeps what fits, counts the rest, and forwards the kept part to the observer.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (!run.AcceptsOutput) return;
            ReadOnlySpan<byte> kept = _buffer.Append(data);
            if (kept.Length < data.Length) OnTruncated();
            if (kept.IsEmpty || observer is null || run.ObserverFailed) return;
            try
            {
                observer(stream, kept);
            }
            catch (Exception e)
            {
                run.OnObserverFailed(e);
            }
        }
    }

    /// <summary>Counts <paramref name="count"/> guest bytes past the cap without keeping (or even reading) them.</summary>
    public void Discard(long count)
    {
        if (count <= 0) return;
        lock (_gate)
        {
            _buffer.CountDropped(count);
            OnTruncated();
        }
    }

    /// <summary>What was captured.</summary>
    public CapturedOutput ToCaptured()
    {
        lock (_gate)
        {
            return _buffer.ToCapturedOutput();
        }
    }

    /// <summary>The first dropped byte: the tier decides what the cap means for the run (with output action kill, it ends).</summary>
    private void OnTruncated()
    {
        if (_truncated) return;
        Volatile.Write(ref _truncated, true);
        run.OnCapPassed(stream, limits.OutputAction == OutputAction.Kill);
    }
}

/// <summary>What a <see cref="StreamCapture"/> needs of the run it captures for.</summary>
public interface IStreamCaptureRun
{
    /// <summary>False once the run has finished, after which late writes are ignored.</summary>
    bool AcceptsOutput { get; }

    /// <summary>True once the caller's observer has thrown; it is not called again.</summary>
    bool ObserverFailed { get; }

    /// <summary>The stream just passed its cap; <paramref name="kill"/> when the policy's output action ends the run.</summary>
    void OnCapPassed(OutputStream stream, bool kill);

    /// <summary>The caller's observer threw: stop the run and hand <paramref name="failure"/> back to the caller afterwards.</summary>
    void OnObserverFailed(Exception failure);
}
