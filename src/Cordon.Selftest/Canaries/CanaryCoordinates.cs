namespace Cordon.Selftest.Canaries;

/// <summary>
/// Where one probe's host canaries are. The probe is told (it has to aim somewhere); the harness checks them after
/// the run from the host: the secret file unread and unchanged, the listeners never connected, the victim alive.
/// </summary>
/// <param name="Directory">Host directory holding the secret file and the path socket; never mounted into the sandbox.</param>
/// <param name="SecretFilePath">A world-readable file whose contents are a nonce: only the sandbox stands between it and the guest.</param>
/// <param name="Tcp4Port">Port of a listener on host 127.0.0.1.</param>
/// <param name="Tcp6Port">Port of a listener on host ::1, when the host has IPv6 loopback.</param>
/// <param name="AbstractSocketName">Name of a listening abstract unix socket (without the leading NUL).</param>
/// <param name="PathSocket">Path of a listening unix socket in <paramref name="Directory"/>.</param>
/// <param name="VictimPid">Host pid of a process the guest must not signal, trace or read (uid 65534 when the suite runs as root).</param>
/// <param name="WorkDirectory">A host directory bound read-write at /work, for probes that attack whoever reads their output.</param>
public sealed record CanaryCoordinates(string Directory, string SecretFilePath, int Tcp4Port, int? Tcp6Port,
    string AbstractSocketName, string PathSocket, int VictimPid, string? WorkDirectory);
