using System.Text.RegularExpressions;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    private static AuditDimension Network(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        double exposure = 0;
        switch (policy.Network.Mode)
        {
            case NetworkMode.Host:
                exposure = 10;
                findings.Add(new AuditFinding("network.host", FindingSeverity.Critical, "network",
                    "host network: the guest shares the host's network namespace",
                    "It can reach every service on the host's loopback (databases, container APIs, cloud metadata) and the whole internet, to attack or to exfiltrate.",
                    "network = \"none\", or \"loopback\" when the job only talks to itself"));
                break;
            case NetworkMode.Loopback:
                exposure = 1.5;
                findings.Add(new AuditFinding("network.loopback", FindingSeverity.Low, "network",
                    "a private loopback: the guest may open IP sockets to itself",
                    "No route leaves the sandbox and no host service is reachable, but the guest gets the kernel's TCP/IP stack, and read-only rtnetlink for libc's address lookups, as attack surface.",
                    "network = \"none\" unless the job runs a local server"));
                break;
            default:
                if (policy.Network.Allowed.IsEmpty)
                    findings.Add(new AuditFinding("network.none", FindingSeverity.Info, "network",
                        "no network: IP sockets are refused and only an empty loopback exists",
                        "The guest can neither exfiltrate nor reach host services over the network."));
                break;
        }

        List<double> doors = AllowlistDoors(policy, findings);
        return Dimension("network", "what the guest can reach over the network", 0.85, Combine([exposure, .. doors]), findings);
    }

    private static AuditDimension Environment(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        foreach ((string name, string value) in policy.Environment)
        {
            string? why = SecretName().IsMatch(name) ? "its name says it holds a secret"
                : SecretValue().IsMatch(value) ? "its value looks like a credential" : null;
            if (why is null) continue;
            doors.Add(7);
            findings.Add(new AuditFinding("environment.secret", FindingSeverity.High, "env." + name,
                $"env {name} is passed to the guest ({why})",
                "Hostile code reads its environment first; a credential handed in is a credential handed out.",
                "do not give untrusted code credentials; if it must call a service, put a narrow proxy in front of it"));
        }

        if (doors.Count == 0)
        {
            findings.Add(new AuditFinding("environment.clean", FindingSeverity.Info, "env",
                policy.Environment.IsEmpty ? "no variables besides PATH, HOME, LANG and LC_ALL" : $"{policy.Environment.Count} variable(s), none named or shaped like a secret",
                "The host environment is never inherited, so only what is listed reaches the guest."));
        }

        return Dimension("environment", "secrets passed in environment variables", 0.6, Combine(doors), findings);
    }

    [GeneratedRegex("TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH|SESSION|COOKIE|DATABASE_URL|DSN$|CONN(ECTION)?_?STRING", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^(gh[pousr]_|github_pat_|glpat-|xox[abpr]-|AKIA[0-9A-Z]{12}|sk-|sk_live_|-----BEGIN)|://[^/\s:@]+:[^/\s@]+@")]
    private static partial Regex SecretValue();
}
