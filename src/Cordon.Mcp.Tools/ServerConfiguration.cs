using Cordon.Backends.Process.Identity;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Mcp;

/// <summary>
/// The server's own settings. <see cref="Ceiling"/> is the policy every call runs under: a call may lower its limits,
/// never raise one, and has no way to name a door (a mount, the network, a syscall) at all.
/// </summary>
internal sealed record ServerConfiguration(SandboxPolicy Ceiling, string CeilingName)
{
    /// <summary>The built-in profile used when no <c>--policy</c> is given: read-only /usr, a private /work, no network.</summary>
    public const string DefaultProfile = "python";

    /// <summary>The most bytes a session's workspace may hold.</summary>
    public long SessionMaxBytes { get; init; } = 16 * ByteSize.MiB;

    /// <summary>A session unused for this long is stopped and its workspace deleted.</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many sessions at once.</summary>
    public int MaxSessions { get; init; } = 8;

    /// <summary>At most this many sessions at once for one caller (over HTTP, one API key).</summary>
    public int MaxSessionsPerCaller { get; init; } = 8;

    /// <summary>The most bytes one <c>write_file</c> or <c>read_file</c> moves, and one file of a call's <c>files</c>.</summary>
    public long MaxFileBytes { get; init; } = 1 * ByteSize.MiB;

    /// <summary>A run's output cap when the call names none and the ceiling's is larger: what fits an agent's context.</summary>
    public long DefaultOutputBytes { get; init; } = 64 * ByteSize.KiB;

    /// <summary>The most characters of source code one call may carry.</summary>
    public int MaxCodeChars { get; init; } = 256 * 1024;

    /// <summary>At most this many runs at once; the rest wait (each run has its own workspace, so waiting shares nothing).</summary>
    public int MaxConcurrentRuns { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// The host uids the process tier gives runs when the server runs as root (<c>CORDON_RUN_UIDS</c>, as for every
    /// cordon command): each run in flight holds one of its own, so concurrent calls never share a host uid.
    /// </summary>
    public HostIdentityRange RunIdentities { get; init; } = HostIdentityRange.Default;

    /// <summary>The variable that sets <see cref="RunIdentities"/>: <c>FIRST-LAST</c>.</summary>
    public const string RunIdentitiesVariable = "CORDON_RUN_UIDS";

    /// <summary><c>CORDON_RUN_UIDS</c>, or the default range when it is unset.</summary>
    /// <exception cref="FormatException">It is set but is not a valid range (the message names the variable and the fix).</exception>
    public static HostIdentityRange RunIdentitiesFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(RunIdentitiesVariable);
        if (string.IsNullOrEmpty(text)) return HostIdentityRange.Default;
        try
        {
            return HostIdentityRange.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{RunIdentitiesVariable}: {e.Message}; or unset it for the default range {HostIdentityRange.Default}", e);
        }
    }

    /// <summary>Where every workspace of this server lives: one private directory, deleted when the server stops.</summary>
    public required string WorkRoot { get; init; }

    /// <summary>An empty directory: a proposed policy's relative paths (<c>extends = "x.toml"</c>) resolve there, to nothing.</summary>
    public string AuditDirectory => Path.Combine(WorkRoot, "audit");
}
