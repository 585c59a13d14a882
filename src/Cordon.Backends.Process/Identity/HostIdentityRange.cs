using System.Globalization;

namespace Cordon.Backends.Process.Identity;

/// <summary>
/// The host uids (and equal gids) Cordon gives runs when it runs as root: each concurrent run gets one of its own, so
/// the kernel's per-user counts (descriptors in flight, inotify, queued signals, processes) and anything a uid owns on
/// the host belong to one run alone.
/// </summary>
/// <param name="First">The first uid of the range.</param>
/// <param name="Count">How many uids, so how many runs can be in flight at once on this host.</param>
public sealed record HostIdentityRange(uint First, uint Count)
{
    /// <summary>
    /// 1879048192 (0x70000000) and up, 65536 ids: above the ranges useradd hands out for /etc/subuid and /etc/subgid
    /// (100000 to 600100000 by default), below 2^31 (some tools treat ids as signed), and outside the ranges systemd
    /// assigns to users, dynamic users and containers.
    /// </summary>
    public static HostIdentityRange Default { get; } = new(0x7000_0000, 65536);

    /// <summary>The last uid of the range.</summary>
    public uint Last => First + Count - 1;

    /// <summary>Parses <c>FIRST-LAST</c> (decimal), for configuration.</summary>
    /// <exception cref="FormatException">Not two ids, empty, upside down, or touching uid 0 or the ids of 2^31 and above.</exception>
    public static HostIdentityRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('-');
        if (parts.Length != 2
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint first)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint last))
        {
            throw new FormatException($"'{text}' is not a uid range; write FIRST-LAST, for example 1879048192-1879113727");
        }

        if (last < first) throw new FormatException($"'{text}' is upside down: the last uid is below the first");
        if (first < 1000) throw new FormatException($"'{text}' starts below 1000, among the host's system accounts");
        if (last >= 0x8000_0000) throw new FormatException($"'{text}' reaches 2^31; some tools treat ids as signed, keep below 2147483648");
        return new HostIdentityRange(first, last - first + 1);
    }

    /// <inheritdoc />
    public override string ToString() => $"{First}-{Last}";
}
