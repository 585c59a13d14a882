using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// Feeds the guest's stdin from the supervisor's poll loop, never blocking it: from a byte buffer, or streamed from a
/// readable descriptor one 64 KiB chunk at a time, read only when the previous chunk has gone into the guest's pipe
/// (or terminal). The supervisor's memory is one chunk whatever the input size.
/// </summary>
internal sealed class StdinPump : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private const byte EndOfTransmission = 0x04;

    private readonly SafeFileHandle? _source;
    private readonly bool _targetIsTerminal;
    private SafeFileHandle? _target;
    private ReadOnlyMemory<byte> _pending;
    private byte[]? _chunk;
    private bool _sourceEnded;

    /// <param name="target">The write end of the guest's stdin (a non-blocking pipe, or the terminal's controller); owned by the pump.</param>
    /// <param name="bytes">A fixed input, or null.</param>
    /// <param name="source">A descriptor to stream from (owned by the caller), or null.</param>
    /// <param name="targetIsTerminal">On a terminal the end of the input is a Ctrl-D, not a close (the controller is also the output).</param>
    public StdinPump(SafeFileHandle? target, ReadOnlyMemory<byte>? bytes, SafeFileHandle? source, bool targetIsTerminal)
    {
        _target = target;
        _source = source;
        _targetIsTerminal = targetIsTerminal;
        _pending = bytes ?? ReadOnlyMemory<byte>.Empty;
        _sourceEnded = source is null;
        if (_pending.IsEmpty && _sourceEnded) CloseTarget();
    }

    /// <summary>On a terminal: sends a signal to every guest process (see <see cref="OnTargetReady"/>); set by the supervisor once the guest exists.</summary>
    public Action<int>? SignalGuest { get; set; }

    /// <summary>Bytes streamed into the guest so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The descriptor to poll for input (POLLIN), when the pump needs more.</summary>
    public SafeFileHandle? SourceToPoll => _target is not null && _pending.IsEmpty && !_sourceEnded ? _source : null;

    /// <summary>The descriptor to poll for room (POLLOUT), when the pump holds bytes for the guest.</summary>
    public SafeFileHandle? TargetToPoll => _target is not null && !_pending.IsEmpty ? _target : null;

    /// <summary>The source is readable (or at its end): take one chunk.</summary>
    public void OnSourceReady()
    {
        _chunk ??= new byte[ChunkBytes];
        int n = Interop.FileDescriptors.ReadAvailable(_source!, _chunk);
        if (n < 0) return; // a non-blocking source with nothing after all
        if (n > 0)
        {
            _pending = _chunk.AsMemory(0, n);
            return;
        }

        _sourceEnded = true;
        if (_targetIsTerminal) _pending = new[] { EndOfTransmission };
        else CloseTarget();
    }

    /// <summary>The guest's side has room: write what fits.</summary>
    /// <remarks>
    /// The guest's terminal is not its controlling terminal (bwrap starts it in a new session), so the line discipline
    /// has no foreground process group to send SIGINT or SIGQUIT to when Ctrl-C or Ctrl-\ arrives. While the guest
    /// keeps the terminal's ISIG mode on, the pump does what the kernel would: the character becomes the signal, sent to
    /// every guest process; in raw mode (an editor) it stays a byte.
    /// </remarks>
    public void OnTargetReady()
    {
        if (_targetIsTerminal && SignalGuest is { } signalGuest && InterruptAt(out int at, out int signal))
        {
            if (at == 0)
            {
                _pending = _pending[1..];
                signalGuest(signal);
                return;
            }

            Write(_pending[..at]);
            return;
        }

        Write(_pending);
    }

    private bool InterruptAt(out int index, out int signal)
    {
        (index, signal) = (-1, 0);
        if (Interop.Libc.TcGetAttr(Interop.FileDescriptors.Number(_target!), out Interop.Libc.Termios mode) != 0 || (mode.LocalFlags & Interop.Libc.Isig) == 0) return false;
        ReadOnlySpan<byte> span = _pending.Span;
        for (int i = 0; i < span.Length; i++)
        {
            // A disabled control character reads as 0 (_POSIX_VDISABLE).
            if (span[i] != 0 && span[i] == mode.InterruptChar) (index, signal) = (i, 2);
            else if (span[i] != 0 && span[i] == mode.QuitChar) (index, signal) = (i, 3);
            if (index >= 0) return true;
        }

        return false;
    }

    private void Write(ReadOnlyMemory<byte> bytes)
    {
        int written = Interop.FileDescriptors.WriteAvailable(_target!, bytes.Span);
        if (written < 0)
        {
            // The guest closed its stdin: nothing more to feed.
            _pending = ReadOnlyMemory<byte>.Empty;
            _sourceEnded = true;
            CloseTarget();
            return;
        }

        BytesWritten += written;
        _pending = _pending[written..];
        if (_pending.IsEmpty && _sourceEnded && !_targetIsTerminal) CloseTarget();
    }

    private void CloseTarget()
    {
        _target?.Dispose();
        _target = null;
    }

    public void Dispose() => CloseTarget();
}
