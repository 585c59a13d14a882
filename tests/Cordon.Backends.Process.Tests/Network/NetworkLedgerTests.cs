using Cordon.Backends.Process.Network;
using Cordon.Execution;

namespace Cordon.Backends.Process.Tests.Network;

/// <summary>Refusals are counted per kind and capped, so a scanning guest cannot grow the result without bound.</summary>
public class NetworkLedgerTests
{
    [Fact]
    public void Each_kind_is_counted_once_told_once_and_kinds_beyond_the_cap_only_counted()
    {
        var ledger = new NetworkLedger();
        List<NetworkViolation> told = [];
        ledger.Observer = told.Add;
        for (int i = 0; i < 3; i++) ledger.Record("", 53, "udp", "name not allowed", "evil.test", "dns");
        for (int port = 1; port <= NetworkLedger.MaxDestinations + 10; port++) ledger.Record("203.0.113.7", port, "tcp", "address not allowed", null, "connect");

        var violations = ledger.ToViolations();
        Assert.Equal(NetworkLedger.MaxDestinations, violations.Length);
        Assert.Equal(3, violations[0].Count);
        Assert.Equal(("evil.test", "dns"), (violations[0].Host, violations[0].Via));
        Assert.Equal(11, ledger.Overflow);
        Assert.Equal(NetworkLedger.MaxDestinations, told.Count);
    }
}
