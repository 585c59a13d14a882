using System.Globalization;
using System.Text;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Makes script-chosen text (identifiers, module specifiers, paths, error messages) safe to put into a result's
/// detail or denials, which callers print as trusted.
/// </summary>
internal static class TrustedText
{
    /// <summary>Longest script-derived fragment kept.</summary>
    private const int MaxLength = 200;

    /// <summary>Escapes control and format characters (terminal escapes, bidi overrides) and caps the length.</summary>
    internal static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (builder.Length >= MaxLength)
            {
                builder.Append('…');
                break;
            }

            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:x}}}");
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>The sanitized text in single quotes.</summary>
    internal static string Quote(string? text) => $"'{Sanitize(text)}'";
}
