using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cordon.Policy;

/// <summary>Which transport a <see cref="NetworkDestination"/> opens.</summary>
public enum NetworkProtocol
{
    /// <summary>TCP connections.</summary>
    Tcp,

    /// <summary>UDP datagrams.</summary>
    Udp,
}

/// <summary>
/// One place the guest may reach in an allowlist: a host name or an address range, a port range and a protocol.
/// Written <c>HOST:PORT[-PORT][/udp]</c>: <c>pypi.org:443</c>, <c>*.pythonhosted.org:443</c>, <c>10.1.0.0/16:5432</c>,
/// <c>[::1]:8000-8099</c>, <c>127.0.0.53:53/udp</c>. A leading <c>*.</c> matches every name below the suffix (not the suffix itself).
/// </summary>
public sealed record NetworkDestination
{
    private NetworkDestination(string? hostName, IPNetwork? addresses, int firstPort, int lastPort, NetworkProtocol protocol)
        => (HostName, Addresses, FirstPort, LastPort, Protocol) = (hostName, addresses, firstPort, lastPort, protocol);

    /// <summary>A DNS name (lower case, possibly <c>*.suffix</c>), or null for an address range.</summary>
    public string? HostName { get; }

    /// <summary>Whether <see cref="HostName"/> is a wildcard (<c>*.suffix</c>).</summary>
    public bool IsWildcard => HostName is not null && HostName.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>Whether this is a host-name rule that names <paramref name="name"/> (lower case, no trailing dot).</summary>
    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (HostName is null) return false;
        if (!IsWildcard) return string.Equals(HostName, name, StringComparison.OrdinalIgnoreCase);
        // "*.example.org" covers a.example.org and a.b.example.org, never example.org itself.
        return name.Length > HostName.Length - 1 && name.EndsWith(HostName[1..], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="port"/> is in this rule's range.</summary>
    public bool CoversPort(int port) => port >= FirstPort && port <= LastPort;

    /// <summary>An address or CIDR range, or null for a host name.</summary>
    public IPNetwork? Addresses { get; }

    /// <summary>First port of the range (1-65535).</summary>
    public int FirstPort { get; }

    /// <summary>Last port of the range (equal to <see cref="FirstPort"/> for one port).</summary>
    public int LastPort { get; }

    /// <summary>The transport.</summary>
    public NetworkProtocol Protocol { get; }

    /// <summary>Parses the written form; false with a precise error for anything else.</summary>
    public static bool TryParse(string? text, out NetworkDestination? destination, out string error)
    {
        destination = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail("is empty; write HOST:PORT, e.g. pypi.org:443 or 10.0.0.0/8:80-90", out error);
        string rest = text.Trim();
        var protocol = NetworkProtocol.Tcp;
        int slash = rest.LastIndexOf('/');
        if (slash > rest.LastIndexOf(':'))
        {
            string suffix = rest[(slash + 1)..];
            if (suffix is "tcp" or "udp")
            {
                protocol = suffix == "udp" ? NetworkProtocol.Udp : NetworkProtocol.Tcp;
                rest = rest[..slash];
            }
            else if (suffix.Length > 0 && suffix.All(char.IsAsciiLetter))
            {
                return Fail($"'{text}': '{suffix}' is not a protocol; write /tcp (the default) or /udp after the ports, e.g. 127.0.0.53:53/udp", out error);
            }
        }

        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1) return Fail($"'{text}' has no port; write HOST:PORT (IPv6 as [::1]:PORT)", out error);
        string host = rest[..colon], ports = rest[(colon + 1)..];
        if (!TryParsePorts(ports, out int first, out int last))
        {
            return Fail(first > last && last >= 1 && first <= 65535
                ? $"'{ports}' is upside down: the first port must not be above the last (write {last}-{first})"
                : $"'{ports}' is not a port or a range of ports 1-65535 (e.g. 443 or 8000-8099)", out error);
        }

        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':')) return Fail($"'{text}': put an IPv6 address in brackets, e.g. [::1]:{ports}", out error);

        if (host.Contains('/'))
        {
            if (!IPNetwork.TryParse(host, out IPNetwork network)) return Fail($"'{host}' is not a CIDR range (e.g. 10.0.0.0/8)", out error);
            destination = new(null, network, first, last, protocol);
        }
        else if (IPAddress.TryParse(host, out IPAddress? address))
        {
            destination = new(null, new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32), first, last, protocol);
        }
        else if (host.StartsWith("*.", StringComparison.Ordinal) && IsHostName(host[2..]) && host[2..].Contains('.'))
        {
            destination = new(host.ToLowerInvariant(), null, first, last, protocol);
        }
        else if (host.Contains('*'))
        {
            return Fail($"'{host}': a wildcard may only be a whole first label above a suffix of two labels or more, e.g. *.example.org", out error);
        }
        else if (IsHostName(host))
        {
            destination = new(host.ToLowerInvariant(), null, first, last, protocol);
        }
        else
        {
            return Fail($"'{host}' is neither an IP address, a CIDR range nor a DNS name (letters, digits and hyphens in dot-separated labels of at most 63, e.g. api.example.org)", out error);
        }

        error = "";
        return true;
    }

    /// <summary>Parses the written form.</summary>
    /// <exception cref="FormatException">It is not one.</exception>
    public static NetworkDestination Parse(string text)
        => TryParse(text, out NetworkDestination? d, out string error) ? d! : throw new FormatException(error);

    /// <inheritdoc />
    public override string ToString()
    {
        string host = HostName ?? (Addresses!.Value.PrefixLength == (Addresses.Value.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)
            ? Bracket(Addresses.Value.BaseAddress.ToString())
            : Addresses.Value.ToString());
        string ports = FirstPort == LastPort ? FirstPort.ToString(CultureInfo.InvariantCulture) : $"{FirstPort}-{LastPort}";
        return $"{host}:{ports}{(Protocol == NetworkProtocol.Udp ? "/udp" : "")}";
    }

    private static string Bracket(string address) => address.Contains(':') ? $"[{address}]" : address;

    private static bool TryParsePorts(string text, out int first, out int last)
    {
        int dash = text.IndexOf('-');
        string low = dash < 0 ? text : text[..dash], high = dash < 0 ? text : text[(dash + 1)..];
        bool ok = int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out first);
        ok &= int.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out last);
        return ok && first is >= 1 and <= 65535 && last >= first && last <= 65535;
    }

    /// <summary>A DNS host name: labels of letters, digits and hyphens, and a last label that is not all digits (so not an address).</summary>
    private static bool IsHostName(string host)
    {
        string[] labels = host.Split('.');
        return host.Length is > 0 and <= 253 && labels.All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-')
            && !labels[^1].All(char.IsAsciiDigit);
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
