using System.Buffers;
using System.Globalization;
using System.Text;

namespace Cordon.Output;

/// <summary>
/// The one sanitiser for guest-controlled text: every tier and every place such text reaches a terminal, a log line
/// or a result's detail goes through it, so the rules cannot differ between them.
/// </summary>
/// <remarks>
/// <para>A guest that can emit ESC can retitle the window, write the clipboard (OSC 52), hide or rewrite earlier lines,
/// or fake Cordon's own summary; Unicode bidi and format controls (U+202E and friends) make a terminal show text in
/// another order than it was written. Kept as they are: printable characters, newline, tab and carriage return (so a
/// progress bar still redraws its own line). Escaped as visible text: the other C0 controls and DEL as <c>\xNN</c>,
/// the C1 controls, Unicode format characters (bidi marks, embeddings, overrides and isolates, zero-width characters,
/// the Arabic letter mark, tag characters), the line and paragraph separators, private-use characters (a font can draw
/// them as anything) and unassigned code points (a newer terminal may give them a meaning) as <c>\uNNNN</c>
/// (<c>\u{NNNNN}</c> beyond U+FFFF), and bytes that are not UTF-8 as <c>\xNN</c>. An escape sequence is thereby shown,
/// never interpreted.</para>
/// <para><see cref="ForTerminal(ReadOnlySpan{byte})"/> is for multi-line output, <see cref="ForSingleLine(ReadOnlySpan{byte})"/>
/// for one line of a message or table (newline, tab and carriage return are escaped too), <see cref="Fragment"/> for
/// a guest-chosen name quoted inside a message (single line, length capped). <see cref="TerminalNeutraliser"/>
/// applies the same rules to a stream that arrives in chunks.</para>
/// </remarks>
public static class UntrustedText
{
    /// <summary>Longest guest-derived fragment <see cref="Fragment"/> keeps.</summary>
    public const int MaxFragmentLength = 300;

    /// <summary>Neutralises <paramref name="bytes"/> for a terminal; newlines, tabs and carriage returns are kept.</summary>
    public static string ForTerminal(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        Append(text, bytes, singleLine: false, final: true);
        return text.ToString();
    }

    /// <summary>Neutralises a string (e.g. an error message quoting guest data); newlines, tabs and carriage returns are kept.</summary>
    public static string ForTerminal(string text) => ForTerminal(Encoding.UTF8.GetBytes(text));

    /// <summary>Like <see cref="ForTerminal(ReadOnlySpan{byte})"/>, but newline, tab and carriage return are escaped too, for one-line messages.</summary>
    public static string ForSingleLine(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        Append(text, bytes, singleLine: true, final: true);
        return text.ToString();
    }

    /// <summary>Like <see cref="ForSingleLine(ReadOnlySpan{byte})"/>, for a string.</summary>
    public static string ForSingleLine(string text) => ForSingleLine(Encoding.UTF8.GetBytes(text));

    /// <summary>A guest-chosen fragment (a name, a parse error that echoes a module) for one line of a message: escaped and capped at <see cref="MaxFragmentLength"/> characters.</summary>
    public static string Fragment(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        string line = ForSingleLine(text);
        return line.Length <= MaxFragmentLength ? line : line[..MaxFragmentLength] + "…";
    }

    /// <summary><see cref="Fragment"/> in single quotes.</summary>
    public static string Quote(string? text) => $"'{Fragment(text)}'";

    /// <summary>The last non-empty line of <paramref name="bytes"/> (e.g. a helper's error output) as a <see cref="Fragment"/>.</summary>
    public static string LastLine(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.UTF8.GetString(bytes).TrimEnd();
        int newline = text.LastIndexOf('\n');
        return Fragment(newline >= 0 ? text[(newline + 1)..] : text);
    }

    /// <summary>Whether <paramref name="bytes"/> is valid UTF-8 (JSON carries invalid bytes separately as base64).</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>
    /// Appends the neutralised form of <paramref name="bytes"/>. When <paramref name="final"/> is false, an incomplete
    /// UTF-8 sequence at the end is left unconsumed (its length is returned) so the next chunk can complete it.
    /// </summary>
    internal static int Append(StringBuilder text, ReadOnlySpan<byte> bytes, bool singleLine, bool final)
    {
        while (!bytes.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            if (status == OperationStatus.NeedMoreData && !final) return bytes.Length;
            if (status != OperationStatus.Done)
            {
                AppendByte(text, bytes[0]);
                bytes = bytes[1..];
                continue;
            }

            AppendRune(text, rune, singleLine);
            bytes = bytes[consumed..];
        }

        return 0;
    }

    private static void AppendRune(StringBuilder text, Rune rune, bool singleLine)
    {
        int v = rune.Value;
        if (v is '\n' or '\t' or '\r')
        {
            if (singleLine) text.Append(v switch { '\n' => "\\n", '\t' => "\\t", _ => "\\r" });
            else text.Append((char)v);
        }
        else if (v < 0x20 || v == 0x7f)
        {
            AppendByte(text, (byte)v);
        }
        else if (v < 0x80)
        {
            text.Append((char)v);
        }
        else if (IsHidden(rune))
        {
            text.Append(v <= 0xffff
                ? string.Create(CultureInfo.InvariantCulture, $"\\u{v:x4}")
                : string.Create(CultureInfo.InvariantCulture, $"\\u{{{v:x}}}"));
        }
        else
        {
            text.Append(rune.ToString());
        }
    }

    /// <summary>C1 controls, format characters (bidi, zero-width, tags), the line and paragraph separators, private-use and unassigned code points.</summary>
    private static bool IsHidden(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned;

    private static void AppendByte(StringBuilder text, byte b) => text.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
}
