using System.Collections.Immutable;
using System.Net;
using Cordon.Policy;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// Decides a destination against the whole allowlist: an address rule covers it, or it is an address this sandbox's name
/// server handed out for an allowed name (not yet expired) and that name's rule allows the port and protocol.
/// </summary>
internal sealed class DestinationCheck
{
    private readonly AddressAllowlist _addresses;
    private readonly ImmutableArray<NetworkDestination> _names;
    private readonly ImmutableArray<NetworkDestination> _addressRules;

    internal DestinationCheck(NetworkPolicy network, ResolvedAddresses resolved)
    {
        ArgumentNullException.ThrowIfNull(network);
        _addresses = new AddressAllowlist(network);
        _names = [.. network.Allowed.Where(d => d.HostName is not null)];
        _addressRules = [.. network.Allowed.Where(d => d.Addresses is not null)];
        Resolved = resolved;
    }

    /// <summary>What the name server handed out.</summary>
    internal ResolvedAddresses Resolved { get; }

    /// <summary>Whether the allowlist names any host (and so the sandbox gets a name server).</summary>
    internal bool HasNames => !_names.IsEmpty;

    /// <summary>Whether a host-name rule names <paramref name="name"/> (on any port).</summary>
    internal bool NameAllowed(string name) => _names.Any(r => r.Matches(name));

    /// <summary>Whether an address rule's range holds <paramref name="address"/> (on any port): the user named that range.</summary>
    internal bool AddressRuleCovers(IPAddress address) => _addressRules.Any(r => r.Addresses!.Value.Contains(address));

    /// <summary>Null when the destination is allowed, else why not; and the allowed name the address came from, when it did.</summary>
    internal (string? Refusal, string? Host) Check(IPAddress address, int port, NetworkProtocol protocol)
    {
        string? byAddress = _addresses.Refusal(address, port, protocol);
        if (byAddress is null) return (null, null);
        IReadOnlyList<string> names = Resolved.NamesOf(address);
        string? refusal = null;
        foreach (string name in names)
        {
            foreach (NetworkDestination rule in _names.Where(r => r.Matches(name)))
            {
                if (rule.Protocol == protocol && rule.CoversPort(port)) return (null, name);
                refusal ??= rule.Protocol == protocol ? "port not allowed" : $"{Protocol(protocol)} not allowed to this host";
            }
        }

        if (names.Count > 0) return (refusal ?? "port not allowed", names[0]);
        if (!HasNames || AddressRuleCovers(address)) return (byAddress, null);
        return (Resolved.EverResolved(address) ? "resolved address expired" : "never resolved from an allowed name", null);
    }

    private static string Protocol(NetworkProtocol protocol) => protocol == NetworkProtocol.Udp ? "udp" : "tcp";
}
