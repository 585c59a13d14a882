using Cordon.Execution;

namespace Cordon.Backends.Process.Supervision;

/// <summary>Keeps at most <c>cap</c> bytes of one untrusted stream; everything beyond is counted and dropped, so supervisor memory is bounded by the cap whatever the guest writes.</summary>
internal sealed class OutputBuffer
{
    private readonly long? _cap;
    private byte[] _buffer = [];
    private int _length;

    public OutputBuffer(long? capBytes) => _cap = capBytes;

    public long TotalBytes { get; private set; }

    public bool Truncated => _cap is { } cap && TotalBytes > cap;

    /// <summary>Appends a chunk; returns the part that was kept (empty once the cap is reached).</summary>
    public ReadOnlySpan<byte> Append(ReadOnlySpan<byte> chunk)
    {
        TotalBytes += chunk.Length;
        long room = (_cap ?? int.MaxValue) - _length;
        if (room <= 0) return [];
        ReadOnlySpan<byte> kept = chunk.Length <= room ? chunk : chunk[..(int)room];
        if (_length + kept.Length > _buffer.Length)
        {
            long wanted = Math.Max(_buffer.Length * 2L, Math.Max(4096, _length + kept.Length));
            Array.Resize(ref _buffer, (int)Math.Min(wanted, _cap ?? int.MaxValue));
        }

        kept.CopyTo(_buffer.AsSpan(_length));
        _length += kept.Length;
        return kept;
    }

    public CapturedOutput ToCapturedOutput()
        => _length == 0 && TotalBytes == 0 ? CapturedOutput.Empty : new(_buffer.AsMemory(0, _length).ToArray(), TotalBytes, Truncated);
}
