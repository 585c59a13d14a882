using System.Collections.Immutable;

namespace Cordon.Policy;

/// <summary>
/// The network facet of a policy: which network namespace the guest gets (<see cref="Mode"/>) and, beyond it, an
/// allowlist of destinations it may reach (<see cref="Allowed"/>; empty by default). A tier that cannot enforce an
/// allowlist refuses a policy that has one.
/// </summary>
public sealed record NetworkPolicy
{
    private NetworkPolicy(NetworkMode mode, ImmutableArray<NetworkDestination> allowed) => (Mode, Allowed) = (mode, allowed);

    /// <summary>No network at all (the default).</summary>
    public static NetworkPolicy None { get; } = new(NetworkMode.None, []);

    /// <summary>A private loopback only.</summary>
    public static NetworkPolicy Loopback { get; } = new(NetworkMode.Loopback, []);

    /// <summary>The host's network namespace (needs <see cref="Dangerous.HostNetworkAccess"/> in the builder).</summary>
    public static NetworkPolicy Host { get; } = new(NetworkMode.Host, []);

    /// <summary>The namespace the guest gets.</summary>
    public NetworkMode Mode { get; }

    /// <summary>Destinations the guest may reach beyond <see cref="Mode"/>, in the order given.</summary>
    public ImmutableArray<NetworkDestination> Allowed { get; }

    /// <summary>Whether the policy opens any network at all (a mode other than none, or an allowlist).</summary>
    public bool OpensAny => Mode != NetworkMode.None || !Allowed.IsEmpty;

    /// <summary>The policy of <paramref name="mode"/> with nothing else allowed.</summary>
    public static NetworkPolicy Of(NetworkMode mode) => mode switch
    {
        NetworkMode.Loopback => Loopback,
        NetworkMode.Host => Host,
        _ => None,
    };

    /// <summary>This policy with <paramref name="allowed"/> as its allowlist.</summary>
    public NetworkPolicy WithAllowed(IEnumerable<NetworkDestination> allowed) => new(Mode, [.. allowed]);

    /// <inheritdoc />
    public bool Equals(NetworkPolicy? other) => other is not null && Mode == other.Mode && Allowed.SequenceEqual(other.Allowed);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, Allowed.Length);

    /// <inheritdoc />
    public override string ToString() => Allowed.IsEmpty ? Contracts.WireNames.Network(Mode) : $"{Contracts.WireNames.Network(Mode)} + {string.Join(", ", Allowed)}";
}
