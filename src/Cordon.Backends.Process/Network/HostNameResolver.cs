using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// How the stub resolves an allowed name on the host: first the host's hosts file (names its administrator mapped, trusted
/// whatever range they point at), then the host's resolver (getaddrinfo, so the host's DNS configuration applies).
/// </summary>
internal sealed class HostNameResolver
{
    private readonly ImmutableDictionary<string, ImmutableArray<IPAddress>> _hosts;
    private readonly Func<string, AddressFamily, IPAddress[]> _resolver;

    /// <param name="hostsFile">The hosts file to trust (read once, now); a missing file is empty.</param>
    /// <param name="resolver">The resolver after it; the host's (<see cref="Dns.GetHostAddresses(string, AddressFamily)"/>) by default.</param>
    internal HostNameResolver(string hostsFile, Func<string, AddressFamily, IPAddress[]>? resolver = null)
    {
        _hosts = ReadHostsFile(hostsFile);
        _resolver = resolver ?? Dns.GetHostAddresses;
    }

    /// <summary>The addresses of <paramref name="name"/> in <paramref name="family"/>, and whether they come from the hosts file; empty when it has none.</summary>
    internal (ImmutableArray<IPAddress> Addresses, bool FromHostsFile) Resolve(string name, AddressFamily family)
    {
        if (_hosts.TryGetValue(name, out ImmutableArray<IPAddress> listed))
            return ([.. listed.Where(a => a.AddressFamily == family)], true);
        try
        {
            return ([.. _resolver(name, family).Where(a => a.AddressFamily == family).Distinct()], false);
        }
        catch (SocketException)
        {
            return ([], false); // no such name, or the host's resolver failed: the guest gets no address either way
        }
    }

    /// <summary>The name-to-addresses map of a hosts(5) file: <c>ADDRESS NAME [ALIAS...]</c> lines, <c>#</c> comments.</summary>
    internal static ImmutableDictionary<string, ImmutableArray<IPAddress>> ReadHostsFile(string path)
    {
        Dictionary<string, List<IPAddress>> map = new(StringComparer.OrdinalIgnoreCase);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ImmutableDictionary<string, ImmutableArray<IPAddress>>.Empty;
        }

        foreach (string raw in lines)
        {
            int hash = raw.IndexOf('#');
            string[] fields = (hash >= 0 ? raw[..hash] : raw).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !IPAddress.TryParse(fields[0], out IPAddress? address)) continue;
            foreach (string name in fields.Skip(1))
            {
                string key = name.TrimEnd('.').ToLowerInvariant();
                if (!map.TryGetValue(key, out List<IPAddress>? addresses)) map[key] = addresses = [];
                if (!addresses.Contains(address)) addresses.Add(address);
            }
        }

        return map.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableArray(), StringComparer.OrdinalIgnoreCase);
    }
}
