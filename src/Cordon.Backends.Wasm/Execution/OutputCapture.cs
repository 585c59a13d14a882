using Cordon.Execution;
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
    private readonly long _cap = Math.Min(limits.MaxOutputBytes ?? Array.MaxLength, Array.MaxLength);
    private byte[] _buffer = [];
    private int _length;
    private long _total;
    private bool _truncated;

    /// <summary>How many more bytes will be kept before the cap.</summary>
    internal long Room
    {
        get
        {
            lock (_gate)
            {
                return _cap - _length;
            }
        }
    }

    /// <summary>Appends guest bytes (from the output file, a WASI callback, or invoke results).</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            int keep = (int)Math.Min(data.Length, _cap - _length);
            if (keep > 0)
            {
                _total += keep;
                EnsureCapacity(_length + keep);
                data[..keep].CopyTo(_buffer.AsSpan(_length));
                _length += keep;
            }

            Discard(data.Length - keep);
            if (keep > 0 && observer is not null && run.ObserverFailure is null)
            {
                try
                {
                    observer(stream, data[..keep]);
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
            _total += count;
            if (!_truncated)
            {
                _truncated = true;
                if (limits.OutputAction == OutputAction.Kill)
                {
                    run.RequestStop(StopReason.OutputExceeded, stream == OutputStream.StandardOutput ? "stdout" : "stderr");
                }
            }
        }
    }

    /// <summary>What was captured.</summary>
    internal CapturedOutput ToCaptured()
    {
        lock (_gate)
        {
            return _total == 0 ? CapturedOutput.Empty : new CapturedOutput(_buffer.AsMemory(0, _length), _total, _truncated);
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        long grown = Math.Max(needed, Math.Min(_cap, Math.Max(4096L, 2L * _buffer.Length)));
        Array.Resize(ref _buffer, (int)grown);
    }
}
