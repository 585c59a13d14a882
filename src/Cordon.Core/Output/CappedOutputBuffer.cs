using Cordon.Execution;

namespace Cordon.Output;

/// <summary>
/// Keeps at most a cap of one untrusted output stream in memory; everything beyond is counted and dropped, so the
/// host's memory is bounded by the cap whatever the guest writes. Every tier captures guest output through it.
/// </summary>
/// <remarks>Not thread-safe: a tier that feeds it from several threads holds its own lock.</remarks>
public sealed class CappedOutputBuffer
{
    private readonly long _cap;
    private byte[] _buffer = [];
    private int _length;

    /// <summary>A buffer that keeps at most <paramref name="capBytes"/> bytes (null: as much as an array can hold).</summary>
    public CappedOutputBuffer(long? capBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capBytes ?? 0, nameof(capBytes));
        _cap = Math.Min(capBytes ?? Array.MaxLength, Array.MaxLength);
    }

    /// <summary>Everything written, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>How many more bytes will be kept before the cap.</summary>
    public long Room => _cap - _length;

    /// <summary>Whether bytes were dropped at the cap.</summary>
    public bool Truncated => TotalBytes > _cap;

    /// <summary>Appends a chunk; returns the part that was kept (empty once the cap is reached).</summary>
    public ReadOnlySpan<byte> Append(ReadOnlySpan<byte> chunk)
    {
        TotalBytes += chunk.Length;
        long room = _cap - _length;
        if (room <= 0) return [];
        ReadOnlySpan<byte> kept = chunk.Length <= room ? chunk : chunk[..(int)room];
        if (_length + kept.Length > _buffer.Length)
        {
            // Grow geometrically from 4 KiB, never past the cap: a guest that writes little costs little.
            long wanted = Math.Max(_buffer.Length * 2L, Math.Max(4096, _length + kept.Length));
            Array.Resize(ref _buffer, (int)Math.Min(wanted, _cap));
        }

        kept.CopyTo(_buffer.AsSpan(_length));
        _length += kept.Length;
        return kept;
    }

    /// <summary>Counts <paramref name="bytes"/> the guest wrote but that were dropped before reaching the buffer (the cap was already reached).</summary>
    public void CountDropped(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        TotalBytes += bytes;
    }

    /// <summary>A copy of what was kept, with the totals.</summary>
    public CapturedOutput ToCapturedOutput()
        => TotalBytes == 0 ? CapturedOutput.Empty : new(_buffer.AsSpan(0, _length).ToArray(), TotalBytes, Truncated);
}
