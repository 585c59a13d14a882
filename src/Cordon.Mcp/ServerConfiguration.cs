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

    /// <summary>The most bytes one <c>write_file</c> or <c>read_file</c> moves, and one file of a call's <c>files</c>.</summary>
    public long MaxFileBytes { get; init; } = 1 * ByteSize.MiB;

    /// <summary>A run's output cap when the call names none and the ceiling's is larger: what fits an agent's context.</summary>
    public long DefaultOutputBytes { get; init; } = 64 * ByteSize.KiB;

    /// <summary>The most characters of source code one call may carry.</summary>
    public int MaxCodeChars { get; init; } = 256 * 1024;

    /// <summary>At most this many runs at once; the rest wait (each run has its own workspace, so waiting shares nothing).</summary>
    public int MaxConcurrentRuns { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Where every workspace of this server lives: one private directory, deleted when the server stops.</summary>
    public required string WorkRoot { get; init; }

    /// <summary>An empty directory: a proposed policy's relative paths (<c>extends = "x.toml"</c>) resolve there, to nothing.</summary>
    public string AuditDirectory => Path.Combine(WorkRoot, "audit");
}
