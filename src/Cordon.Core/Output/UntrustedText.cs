using System.Buffers;
using System.Text;

namespace Cordon.Output;

/// <summary>Makes guest bytes safe to show on a terminal or in a log line: control sequences become visible text.</summary>
/// <remarks>
/// A guest that can emit ESC can retitle the window, write the clipboard (OSC 52), hide or rewrite earlier lines,
/// or fake Cordon's own summary. Every C0 control except newline and tab, DEL, and the C1 range (U+0080–U+009F)
/// is rendered as <c>\xNN</c> / <c>\u00NN</c>; invalid UTF-8 bytes as <c>\xNN</c>.
/// </remarks>
public static class UntrustedText
{
    /// <summary>Neutralises <paramref name="bytes"/> for a terminal; newlines and tabs are kept.</summary>
    public static string ForTerminal(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        while (!bytes.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                text.Append("\\x").Append(bytes[0].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                bytes = bytes[1..];
                continue;
            }

            int v = rune.Value;
            if (v is '\n' or '\t') text.Append((char)v);
            else if (v < 0x20 || v == 0x7f) text.Append("\\x").Append(v.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else if (v is >= 0x80 and <= 0x9f) text.Append("\\u00").Append(v.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else text.Append(rune.ToString());
            bytes = bytes[consumed..];
        }

        return text.ToString();
    }

    /// <summary>Like <see cref="ForTerminal(ReadOnlySpan{byte})"/>, but newlines and tabs are escaped too, for one-line messages.</summary>
    public static string ForSingleLine(ReadOnlySpan<byte> bytes) => ForTerminal(bytes).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>Neutralises a string (e.g. an error message quoting guest data).</summary>
    public static string ForTerminal(string text) => ForTerminal(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether <paramref name="bytes"/> is valid UTF-8 (JSON carries invalid bytes separately as base64).</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}
