using System.Collections.Immutable;
using Cordon.Execution;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// The connections refused by a run's allowlist, counted per (address, port, protocol, reason). Capped at
/// <see cref="MaxDestinations"/> distinct entries (further ones are counted in <see cref="Overflow"/>), so a guest
/// scanning addresses cannot grow the result without bound.
/// </summary>
internal sealed class NetworkLedger
{
    internal const int MaxDestinations = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Address, int Port, string Protocol, string Reason), long> _counts = [];
    private readonly List<(string Address, int Port, string Protocol, string Reason)> _order = [];

    /// <summary>Refusals of destinations beyond the cap.</summary>
    internal long Overflow { get; private set; }

    /// <summary>Counts one refusal.</summary>
    internal void Record(string address, int port, string protocol, string reason)
    {
        var key = (address, port, protocol, reason);
        lock (_lock)
        {
            if (_counts.TryGetValue(key, out long count)) _counts[key] = count + 1;
            else if (_counts.Count < MaxDestinations)
            {
                _counts[key] = 1;
                _order.Add(key);
            }
            else Overflow++;
        }
    }

    /// <summary>The refusals in the order first seen.</summary>
    internal ImmutableArray<NetworkViolation> ToViolations()
    {
        lock (_lock)
        {
            return [.. _order.Select(k => new NetworkViolation(k.Address, k.Port, k.Protocol, k.Reason, _counts[k]))];
        }
    }
}
