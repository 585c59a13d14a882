using System.Globalization;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>Parses the small text formats of cgroupfs files.</summary>
internal static class CgroupStatParser
{
    /// <summary>
    /// The value of <paramref name="key"/> in a flat-keyed file ("key value" per line): v2 <c>cpu.stat</c>,
    /// <c>memory.events</c>, <c>pids.events</c>, <c>cgroup.events</c>; v1 <c>memory.oom_control</c>, <c>cpuacct.stat</c>.
    /// </summary>
    internal static long? FindKeyed(ReadOnlySpan<char> text, ReadOnlySpan<char> key)
    {
        foreach (Range range in text.Split('\n'))
        {
            ReadOnlySpan<char> line = text[range].Trim();
            int space = line.IndexOf(' ');
            if (space <= 0 || !line[..space].SequenceEqual(key)) continue;
            return long.TryParse(line[(space + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
                ? value : null;
        }
        return null;
    }

    /// <summary>A single-value file such as <c>pids.current</c> or <c>cpuacct.usage</c>; "max" is <see cref="long.MaxValue"/>.</summary>
    internal static long? ParseSingle(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> trimmed = text.Trim();
        if (trimmed.SequenceEqual("max")) return long.MaxValue;
        return long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
    }

    /// <summary>The process ids listed in <c>cgroup.procs</c> (one per line).</summary>
    internal static List<int> ParsePids(ReadOnlySpan<char> text)
    {
        var pids = new List<int>();
        foreach (Range range in text.Split('\n'))
        {
            ReadOnlySpan<char> line = text[range].Trim();
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0) pids.Add(pid);
        }
        return pids;
    }

    /// <summary>The space-separated controller names of <c>cgroup.controllers</c> or <c>cgroup.subtree_control</c>.</summary>
    internal static HashSet<string> ParseControllers(string text)
        => new(text.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(c => c.TrimStart('+')), StringComparer.Ordinal);

    /// <summary>Parses the first line starting with <paramref name="key"/> as "key value" from a UTF-8/ASCII byte buffer (the fast CPU path).</summary>
    internal static long? FindKeyed(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
    {
        while (!text.IsEmpty)
        {
            int newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            if (line.Length <= key.Length + 1 || !line.StartsWith(key) || line[key.Length] != (byte)' ') continue;
            return ParseDigits(line[(key.Length + 1)..]);
        }
        return null;
    }

    /// <summary>Parses leading ASCII digits (trailing whitespace ignored); null when there are none.</summary>
    internal static long? ParseDigits(ReadOnlySpan<byte> text)
    {
        long value = 0;
        int digits = 0;
        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') break;
            value = checked(value * 10 + (b - '0'));
            digits++;
        }
        return digits == 0 ? null : value;
    }
}
