using System.Text.Json;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// What bwrap writes to <c>--info-fd</c> once it has cloned the sandbox's pid 1 (and before that process goes on):
/// a JSON object whose <c>child-pid</c> is pid 1 as the host sees it. bwrap then closes the descriptor.
/// </summary>
/// <remarks>The document comes from bwrap, not from the guest (the guest never holds the descriptor), but it is still
/// read bounded and parsed strictly: anything else than a positive integer <c>child-pid</c> gives no pid.</remarks>
internal sealed class BwrapInfo
{
    /// <summary>Larger than bwrap's document (a pid and a few namespace ids) by far.</summary>
    private const int MaxBytes = 4096;

    private readonly byte[] _buffer = new byte[MaxBytes];
    private int _length;

    /// <summary>The sandbox's pid 1, once the whole document has arrived; null before, or when it names none.</summary>
    public int? ChildPid { get; private set; }

    /// <summary>Appends bytes read from the descriptor; what does not fit is dropped (and the document is then invalid).</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        int room = Math.Min(bytes.Length, MaxBytes - _length);
        bytes[..room].CopyTo(_buffer.AsSpan(_length));
        _length += room;
    }

    /// <summary>At end of file: parses the document.</summary>
    public void Complete() => ChildPid = Parse(_buffer.AsSpan(0, _length));

    /// <summary>The top-level <c>child-pid</c> of <paramref name="json"/>, or null.</summary>
    internal static int? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            int? pid = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isPid = reader.ValueTextEquals("child-pid"u8);
                if (!reader.Read()) return null;
                if (isPid) pid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value) && value > 0 ? value : null;
                else reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject ? pid : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
