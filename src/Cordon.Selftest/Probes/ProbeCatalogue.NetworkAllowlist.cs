using Cordon.Policy;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private const string Efailed = "FAILED";

    /// <summary>Probes that run under a network allowlist: everything it does not name is refused by the supervisor.</summary>
    private static IEnumerable<ProbeDefinition> NetworkAllowlist() =>
    [
        new()
        {
            Id = "net-allowlist-outside", Category = ProbeCategory.Network, Program = C("net_allowlist"),
            // A name nobody can resolve and a closed host port: the allowlist exists, and nothing it allows answers.
            Policy = (b, _) => b.AllowNetworkTo(NetworkDestination.Parse("allowed.invalid:443")).AllowNetworkTo(NetworkDestination.Parse("127.0.0.1:1")),
            Description = "derived: under --allow-host/--allow-net, connect to the harness's host listeners, the internet and IPv6, resolve names not allowed, send UDP, bind and listen",
            Expected = new()
            {
                Text = "ECONNREFUSED/EACCES (the supervisor), names unresolved; listeners untouched",
                Steps = [Step("connect-*", Econnrefused), Step("getaddrinfo-*", [Efailed], [Ok]), Step("udp-sendto-*", Eacces),
                    Step("bind-*", Eacces), Step("listen-*", Eacces)],
            },
        },
    ];
}
