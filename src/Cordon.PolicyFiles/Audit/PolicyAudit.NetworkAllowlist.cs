using System.Net;
using System.Net.Sockets;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    /// <summary>
    /// Suffixes under which anyone can get a name (shared hosting, object storage, tunnels): a wildcard on one allows a
    /// host the attacker runs. A suffix of two labels whose first is a registry word (co.uk, com.au) is a public suffix.
    /// </summary>
    private static readonly string[] SharedSuffixes =
    [
        "amazonaws.com", "cloudfront.net", "github.io", "githubusercontent.com", "herokuapp.com", "azurewebsites.net",
        "blob.core.windows.net", "appspot.com", "googleusercontent.com", "storage.googleapis.com", "workers.dev", "pages.dev",
        "vercel.app", "netlify.app", "ngrok.io", "ngrok-free.app", "trycloudflare.com", "fly.dev", "onrender.com", "repl.co",
    ];

    private static readonly string[] RegistryLabels = ["co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"];

    private static readonly IPNetwork[] InternalRanges =
    [
        IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
    ];

    /// <summary>Scores each allowlist rule: how much of the world it opens (the mode's own exposure is scored beside it).</summary>
    private static List<double> AllowlistDoors(SandboxPolicy policy, List<AuditFinding> findings)
    {
        List<double> doors = [];
        for (int i = 0; i < policy.Network.Allowed.Length; i++)
        {
            NetworkDestination rule = policy.Network.Allowed[i];
            string key = $"network.allow[{i}]";
            bool allPorts = rule.FirstPort == 1 && rule.LastPort == 65535;
            string ports = allPorts ? "every port" : rule.FirstPort == rule.LastPort ? $"port {rule.FirstPort}" : $"ports {rule.FirstPort}-{rule.LastPort}";
            if (rule.Protocol == NetworkProtocol.Udp)
            {
                doors.Add(1);
                findings.Add(new AuditFinding("network.allow-udp", FindingSeverity.Low, key,
                    $"'{rule}': UDP datagrams leave from the host's network",
                    "A socket the supervisor installed for an unconnected send receives datagrams from any sender that learns its port, not only from the allowed peer; while a UDP rule is in force every sendmsg is a round trip through the supervisor and unix socket paths cannot be bound or connected.",
                    "connect UDP sockets before sending where the program allows it, and name exactly the port (e.g. :53/udp)"));
            }

            if (rule.HostName is { } name)
            {
                string suffix = rule.IsWildcard ? name[2..] : "";
                string[] labels = suffix.Split('.');
                if (rule.IsWildcard && (SharedSuffixes.Any(s => suffix == s || suffix.EndsWith("." + s, StringComparison.Ordinal)) || (labels.Length == 2 && RegistryLabels.Contains(labels[0]))))
                {
                    doors.Add(8);
                    findings.Add(new AuditFinding("network.allow-wildcard-shared", FindingSeverity.High, key,
                        $"'{rule}': a wildcard on {suffix}, a suffix under which anyone can get a name",
                        "An attacker registers or hosts a name below it and the guest may reach it: exfiltration and command and control through an allowed rule.",
                        "name the exact hosts (e.g. my-bucket.s3.amazonaws.com:443)"));
                }
                else if (rule.IsWildcard)
                {
                    doors.Add(4);
                    findings.Add(new AuditFinding("network.allow-wildcard", FindingSeverity.Medium, key,
                        $"'{rule}': every name below {suffix}, on {ports}",
                        "Any host the owner of the suffix creates (or lets a customer create) is reachable.",
                        "name the exact hosts when they are known"));
                }
                else
                {
                    doors.Add(allPorts ? 3 : 1.5);
                    findings.Add(new AuditFinding("network.allow-host", allPorts ? FindingSeverity.Medium : FindingSeverity.Low, key,
                        $"'{rule}': the host {name} on {ports}",
                        "An allowed host can still receive whatever the guest sends it (see the threat model), and only addresses it resolves to are reachable.",
                        allPorts ? "name the port the job needs (e.g. :443)" : null));
                }

                continue;
            }

            IPNetwork range = rule.Addresses!.Value;
            int bits = range.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (range.PrefixLength == 0)
            {
                doors.Add(10);
                findings.Add(new AuditFinding("network.allow-everything", FindingSeverity.Critical, key,
                    $"'{rule}': every {(bits == 32 ? "IPv4" : "IPv6")} address, on {ports}",
                    "This is no allowlist: the guest reaches the whole internet and every host service behind the supervisor's network.",
                    "name the addresses or host names the job needs"));
            }
            else if (InternalRanges.Any(r => r.Contains(range.BaseAddress) || range.Contains(r.BaseAddress)))
            {
                doors.Add(7);
                findings.Add(new AuditFinding("network.allow-internal", FindingSeverity.High, key,
                    $"'{rule}': an internal range (loopback, private, link-local)",
                    "Connections leave from the host's network namespace: the host's own services, the local network and cloud metadata (169.254.169.254) live in these ranges.",
                    "name the single address and port of the service the job needs"));
            }
            else if (range.PrefixLength <= bits / 4)
            {
                doors.Add(6);
                findings.Add(new AuditFinding("network.allow-wide-range", FindingSeverity.High, key,
                    $"'{rule}': a /{range.PrefixLength} range ({(bits == 32 ? Math.Pow(2, 32 - range.PrefixLength) : double.PositiveInfinity):N0} addresses)",
                    "A range this wide holds hosts anyone can rent.", "narrow the range to the job's servers"));
            }
            else
            {
                doors.Add(allPorts ? 3 : 1.5);
                findings.Add(new AuditFinding("network.allow-address", allPorts ? FindingSeverity.Medium : FindingSeverity.Low, key,
                    $"'{rule}': {range} on {ports}", "Only these addresses are reachable.", allPorts ? "name the port the job needs" : null));
            }
        }

        return doors;
    }
}
