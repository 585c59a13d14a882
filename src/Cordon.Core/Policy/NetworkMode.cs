namespace Cordon.Policy;

/// <summary>How much network the guest gets.</summary>
public enum NetworkMode
{
    /// <summary>Own network namespace with only a loopback device; IP sockets refused. The default.</summary>
    None,

    /// <summary>Own network namespace with a private loopback the guest may use; no route out and no host services.</summary>
    Loopback,

    /// <summary>
    /// Shares the host's network namespace: every host service on 127.0.0.1 and every route out is reachable.
    /// Requires <see cref="Dangerous.HostNetworkAccess"/> and is named in every result's warnings.
    /// </summary>
    Host,
}
