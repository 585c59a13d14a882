using System.Collections.Immutable;
using System.Net;
using Cordon.Policy;

namespace Cordon.Backends.Process.Network;

/// <summary>The address rules of a network allowlist (CIDR or single address, port range, protocol), as the supervisor checks them.</summary>
internal sealed class AddressAllowlist
{
    private readonly ImmutableArray<NetworkDestination> _rules;

    /// <summary>The address rules of <paramref name="network"/>; host-name rules are not checked here.</summary>
    internal AddressAllowlist(NetworkPolicy network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _rules = [.. network.Allowed.Where(d => d.Addresses is not null)];
    }

    /// <summary>Null when a rule allows <paramref name="address"/>:<paramref name="port"/> over <paramref name="protocol"/>; else why not.</summary>
    /// <param name="address">Already normalized: an IPv4-mapped IPv6 address as IPv4, so one rule covers both spellings.</param>
    /// <param name="port">The destination port.</param>
    /// <param name="protocol">The socket's transport.</param>
    internal string? Refusal(IPAddress address, int port, NetworkProtocol protocol)
    {
        bool addressKnown = false, protocolKnown = false;
        foreach (NetworkDestination rule in _rules)
        {
            if (!rule.Addresses!.Value.Contains(address)) continue;
            addressKnown = true;
            if (rule.Protocol != protocol) continue;
            protocolKnown = true;
            if (port >= rule.FirstPort && port <= rule.LastPort) return null;
        }

        return protocolKnown ? "port not allowed"
            : addressKnown ? $"{(protocol == NetworkProtocol.Udp ? "udp" : "tcp")} not allowed to this address"
            : "address not allowed";
    }
}
