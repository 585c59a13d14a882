using System.Diagnostics;
using System.Net;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// The addresses this sandbox's name server handed out, each with the allowed name it answered and until when (the answer's
/// TTL and a short grace for the time between the lookup and the connect). A connect to an address not here (or expired)
/// is not a connect to an allowed name, whatever name the guest may claim.
/// </summary>
internal sealed class ResolvedAddresses
{
    /// <summary>The TTL the stub gives its answers (the host's resolver reports none through getaddrinfo).</summary>
    internal static readonly TimeSpan AnswerTtl = TimeSpan.FromSeconds(60);

    /// <summary>How long past the TTL an address stays usable: a client connects right after its lookup, not at once.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Dictionary<string, long>> _expiry = [];

    /// <summary>Notes that <paramref name="name"/> resolved to <paramref name="address"/> now.</summary>
    internal void Record(string name, IPAddress address)
    {
        long until = Stopwatch.GetTimestamp() + (long)((AnswerTtl + Grace).TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            if (!_expiry.TryGetValue(address, out Dictionary<string, long>? names)) _expiry[address] = names = [];
            names[name] = until;
        }
    }

    /// <summary>The allowed names <paramref name="address"/> was resolved from and that have not expired.</summary>
    internal IReadOnlyList<string> NamesOf(IPAddress address)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            return _expiry.TryGetValue(address, out Dictionary<string, long>? names) ? [.. names.Where(n => n.Value > now).Select(n => n.Key)] : [];
        }
    }

    /// <summary>Whether <paramref name="address"/> was ever handed out (expired or not).</summary>
    internal bool EverResolved(IPAddress address)
    {
        lock (_lock) return _expiry.ContainsKey(address);
    }
}
