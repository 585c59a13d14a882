using System.Globalization;

namespace Cordon.Units;

/// <summary>Parses and formats byte counts written with binary units (<c>512K</c>, <c>64M</c>, <c>1G</c>).</summary>
/// <remarks>
/// Units are powers of 1024: K = KiB, M = MiB, G = GiB, T = TiB; a trailing <c>B</c> or <c>iB</c> is
/// accepted (<c>64MiB</c>, <c>64MB</c> both mean 64 × 1024²). A bare number is bytes.
/// </remarks>
public static class ByteSize
{
    /// <summary>One kibibyte.</summary>
    public const long KiB = 1024;
    /// <summary>One mebibyte.</summary>
    public const long MiB = 1024 * KiB;
    /// <summary>One gibibyte.</summary>
    public const long GiB = 1024 * MiB;
    /// <summary>One tebibyte.</summary>
    public const long TiB = 1024 * GiB;

    /// <summary>Parses <paramref name="text"/>; returns false with a reason when it is not a positive size.</summary>
    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        string s = text.Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0)
        {
            error = $"'{text}' is not a size; write a positive number with an optional binary unit, e.g. 512K, 64M, 1G";
            return false;
        }

        if (!decimal.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            error = $"'{text}' is not a size: '{s[..end]}' is not a number";
            return false;
        }

        long multiplier;
        switch (s[end..].ToUpperInvariant())
        {
            case "": case "B": multiplier = 1; break;
            case "K": case "KB": case "KIB": multiplier = KiB; break;
            case "M": case "MB": case "MIB": multiplier = MiB; break;
            case "G": case "GB": case "GIB": multiplier = GiB; break;
            case "T": case "TB": case "TIB": multiplier = TiB; break;
            default:
                error = $"'{text}' has an unknown unit '{s[end..]}'; use K, M, G or T (binary: 1K = 1024 bytes)";
                return false;
        }

        decimal value = number * multiplier;
        if (value <= 0)
        {
            error = $"'{text}' must be greater than zero";
            return false;
        }

        if (value > long.MaxValue / 2)
        {
            error = $"'{text}' is absurdly large";
            return false;
        }

        bytes = (long)decimal.Ceiling(value);
        error = "";
        return true;
    }

    /// <summary>Formats <paramref name="bytes"/> with the largest binary unit that divides it exactly.</summary>
    public static string Format(long bytes)
    {
        foreach ((long unit, string suffix) in new[] { (TiB, "T"), (GiB, "G"), (MiB, "M"), (KiB, "K") })
        {
            if (bytes >= unit && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
