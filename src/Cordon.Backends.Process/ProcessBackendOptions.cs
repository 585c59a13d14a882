namespace Cordon.Backends.Process;

/// <summary>Host-side settings of the process tier (not part of the tier-neutral policy).</summary>
public sealed record ProcessBackendOptions
{
    /// <summary>
    /// When Cordon runs as root, the host uid:gid the sandbox runs as (default 65534:65534, "nobody").
    /// Null keeps root, which makes every root-owned file that is mounted in readable by owner permissions.
    /// </summary>
    /// <remarks>
    /// Under host root, a user namespace maps the guest to kernel uid 0: owner permission checks on visible host
    /// files pass, and CVE-2019-5736-style attacks on host binaries are stopped only by ETXTBSY. Dropping to an
    /// unprivileged uid first removes both. Read-write mounts must then be writable by that uid.
    /// </remarks>
    public (uint Uid, uint Gid)? HostUserWhenRoot { get; init; } = (65534, 65534);

    /// <summary>
    /// Test seam: read-only binds bwrap makes that Landlock is NOT told about, to prove that Landlock alone stops a
    /// mistake in the mount layer. Never set outside tests.
    /// </summary>
    internal System.Collections.Immutable.ImmutableArray<(string Host, string Guest)> MountMistakesForTesting { get; init; } = [];

    /// <summary>Receives each run's phase timings (benchmark harness and profiling); called on the supervisor thread.</summary>
    internal Action<Supervision.RunTimings>? TimingsObserver { get; init; }

    /// <summary>The defaults.</summary>
    public static ProcessBackendOptions Default { get; } = new();
}
