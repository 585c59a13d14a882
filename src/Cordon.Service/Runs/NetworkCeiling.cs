using Cordon.Policy;

namespace Cordon.Service.Runs;

/// <summary>Whether a destination a request asks for lies within one the server allows requests to ask for.</summary>
internal static class NetworkCeiling
{
    /// <summary>
    /// True when <paramref name="asked"/> is <paramref name="ceiling"/> or part of it: the same protocol, ports inside its
    /// range, and the same name (or a name below its wildcard) or an address range inside its range.
    /// </summary>
    public static bool Covers(NetworkDestination ceiling, NetworkDestination asked)
    {
        ArgumentNullException.ThrowIfNull(ceiling);
        ArgumentNullException.ThrowIfNull(asked);
        if (ceiling.Protocol != asked.Protocol || asked.FirstPort < ceiling.FirstPort || asked.LastPort > ceiling.LastPort) return false;
        if (ceiling.HostName is { } name)
        {
            if (asked.HostName is not { } askedName) return false;
            if (string.Equals(name, askedName, StringComparison.Ordinal)) return true;
            // *.example.org covers api.example.org and *.api.example.org, never example.org or *.org.
            string below = askedName.StartsWith("*.", StringComparison.Ordinal) ? askedName[2..] : askedName;
            return ceiling.IsWildcard && ceiling.Matches(below) && (below != askedName || !asked.IsWildcard);
        }

        if (asked.Addresses is not { } range || ceiling.Addresses is not { } allowed) return false;
        return range.BaseAddress.AddressFamily == allowed.BaseAddress.AddressFamily && range.PrefixLength >= allowed.PrefixLength && allowed.Contains(range.BaseAddress);
    }
}
