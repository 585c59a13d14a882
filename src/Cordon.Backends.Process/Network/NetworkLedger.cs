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
    private readonly Dictionary<(string Address, int Port, string Protocol, string Reason, string? Host, string? Via), long> _counts = [];
    private readonly List<(string Address, int Port, string Protocol, string Reason, string? Host, string? Via)> _order = [];

    /// <summary>Told of each new kind of refusal as it happens (on the thread that refused it), for the run's events.</summary>
    internal Action<NetworkViolation>? Observer { get; set; }

    /// <summary>Refusals of destinations beyond the cap.</summary>
    internal long Overflow { get; private set; }

    /// <summary>Counts one refusal; true when it is the first of its kind (to be reported as an event).</summary>
    internal bool Record(string address, int port, string protocol, string reason, string? host = null, string? via = null)
    {
        var key = (address, port, protocol, reason, host, via);
        lock (_lock)
        {
            if (_counts.TryGetValue(key, out long count))
            {
                _counts[key] = count + 1;
                return false;
            }

            if (_counts.Count >= MaxDestinations)
            {
                Overflow++;
                return false;
            }

            _counts[key] = 1;
            _order.Add(key);
        }

        Observer?.Invoke(new NetworkViolation(address, port, protocol, reason, 1) { Host = host, Via = via });
        return true;
    }

    /// <summary>The refusals in the order first seen.</summary>
    internal ImmutableArray<NetworkViolation> ToViolations()
    {
        lock (_lock)
        {
            return [.. _order.Select(k => new NetworkViolation(k.Address, k.Port, k.Protocol, k.Reason, _counts[k]) { Host = k.Host, Via = k.Via })];
        }
    }
}
