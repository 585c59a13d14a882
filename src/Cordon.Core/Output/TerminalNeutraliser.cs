using System.Text;

namespace Cordon.Output;

/// <summary>
/// <see cref="UntrustedText.ForTerminal(ReadOnlySpan{byte})"/> for a stream that arrives in chunks: a UTF-8 character
/// split between two chunks is held back and shown whole, instead of as two escaped halves. One instance per stream.
/// </summary>
public sealed class TerminalNeutraliser
{
    private readonly byte[] _pending = new byte[4];
    private readonly StringBuilder _text = new();
    private int _pendingLength;

    /// <summary>The neutralised text of <paramref name="chunk"/> (and of any character the previous chunk left incomplete), as UTF-8.</summary>
    public byte[] Neutralise(ReadOnlySpan<byte> chunk)
    {
        _text.Clear();
        ReadOnlySpan<byte> input = chunk;
        byte[]? joined = null;
        if (_pendingLength > 0)
        {
            joined = new byte[_pendingLength + chunk.Length];
            _pending.AsSpan(0, _pendingLength).CopyTo(joined);
            chunk.CopyTo(joined.AsSpan(_pendingLength));
            input = joined;
        }

        int left = UntrustedText.Append(_text, input, singleLine: false, final: false);
        // An incomplete sequence is at most 3 bytes; anything longer was decoded (or escaped) above.
        input[^left..].CopyTo(_pending);
        _pendingLength = left;
        return Encoding.UTF8.GetBytes(_text.ToString());
    }

    /// <summary>What an incomplete character at the very end of the stream becomes (escaped bytes), as UTF-8.</summary>
    public byte[] Flush()
    {
        if (_pendingLength == 0) return [];
        _text.Clear();
        UntrustedText.Append(_text, _pending.AsSpan(0, _pendingLength), singleLine: false, final: true);
        _pendingLength = 0;
        return Encoding.UTF8.GetBytes(_text.ToString());
    }
}
