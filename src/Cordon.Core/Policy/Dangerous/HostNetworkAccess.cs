namespace Cordon.Policy.Dangerous;

/// <summary>Opt-in token for <see cref="NetworkMode.Host"/>.</summary>
/// <remarks>
/// Without its own network namespace the guest can connect to every service listening on the host's loopback
/// (databases, container sockets over TCP, cloud metadata proxies) and to the internet. Grant it only to code
/// you would let run on the host itself.
/// </remarks>
public sealed class HostNetworkAccess
{
    private HostNetworkAccess() { }

    /// <summary>The only instance; passing it is the explicit acknowledgement.</summary>
    public static HostNetworkAccess Instance { get; } = new();
}
