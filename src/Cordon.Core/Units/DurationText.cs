using System.Globalization;

namespace Cordon.Units;

/// <summary>Parses and formats durations written as <c>500ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; returns false with a reason when it is not a positive duration.</summary>
    /// <remarks>A bare number means seconds.</remarks>
    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        string s = text.Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !decimal.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            error = $"'{text}' is not a duration; write a positive number with a unit, e.g. 500ms, 2s, 1.5m";
            return false;
        }

        decimal milliseconds;
        switch (s[end..].ToLowerInvariant())
        {
            case "ms": milliseconds = number; break;
            case "": case "s": milliseconds = number * 1000; break;
            case "m": milliseconds = number * 60_000; break;
            case "h": milliseconds = number * 3_600_000; break;
            default:
                error = $"'{text}' has an unknown unit '{s[end..]}'; use ms, s, m or h";
                return false;
        }

        if (milliseconds < 1)
        {
            error = $"'{text}' must be at least 1ms";
            return false;
        }

        if (milliseconds > 7m * 24 * 3_600_000)
        {
            error = $"'{text}' is absurdly long (more than 7 days)";
            return false;
        }

        duration = TimeSpan.FromMilliseconds((double)milliseconds);
        error = "";
        return true;
    }

    /// <summary>Formats a duration in the shortest exact unit this parser reads back.</summary>
    public static string Format(TimeSpan duration)
    {
        double ms = duration.TotalMilliseconds;
        if (ms % 3_600_000 == 0) return (ms / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h";
        if (ms % 60_000 == 0) return (ms / 60_000).ToString(CultureInfo.InvariantCulture) + "m";
        if (ms % 1000 == 0) return (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s";
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
