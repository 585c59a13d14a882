using System.Net;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// Address ranges that are not the public internet: loopback, private (RFC 1918, unique local), link-local, shared (CGNAT),
/// "this network", multicast and broadcast. A name's DNS answer in one of them is the shape of DNS rebinding (a public
/// name pointed at the host's own services or the local network), so the stub drops it unless a rule names it.
/// </summary>
internal static class InternalAddresses
{
    private static readonly IPNetwork[] Ranges =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("224.0.0.0/3"), // multicast, reserved and broadcast
        IPNetwork.Parse("::/127"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 judged as IPv4) lies in one of the ranges.</summary>
    internal static bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Ranges.Any(r => r.Contains(address));
    }
}
