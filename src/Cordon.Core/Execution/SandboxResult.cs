using System.Collections.Immutable;
using Cordon.Policy;

namespace Cordon.Execution;

/// <summary>How a sandboxed run ended and what it used. Returned by every tier; a failing guest is a result, not an exception.</summary>
public sealed record SandboxResult
{
    /// <summary>Creates a result (backends only; callers receive them).</summary>
    public SandboxResult(SandboxOutcome outcome, int? exitCode, int? signal, TimeSpan wallTime, ResourceUsage usage,
        CapturedOutput standardOutput, CapturedOutput standardError, ImmutableArray<SyscallViolation> violations,
        ImmutableArray<string> warnings, ResourceLimits limits, string? detail = null)
    {
        Outcome = outcome;
        ExitCode = exitCode;
        Signal = signal;
        WallTime = wallTime;
        Usage = usage;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Violations = violations;
        Warnings = warnings;
        Limits = limits;
        Detail = detail;
    }

    /// <summary>Why the run ended.</summary>
    public SandboxOutcome Outcome { get; init; }

    /// <summary>The guest's exit code when it exited by itself.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that killed the guest, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>Time from start until every guest process was gone.</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>Measured consumption.</summary>
    public ResourceUsage Usage { get; init; }

    /// <summary>What the guest wrote to stdout (untrusted).</summary>
    public CapturedOutput StandardOutput { get; init; }

    /// <summary>What the guest wrote to stderr (untrusted).</summary>
    public CapturedOutput StandardError { get; init; }

    /// <summary>Every refused syscall, by name, with counts.</summary>
    public ImmutableArray<SyscallViolation> Violations { get; init; }

    /// <summary>Every connection refused by the network allowlist, by destination and reason, with counts.</summary>
    public ImmutableArray<NetworkViolation> NetworkViolations { get; init; } = [];

    /// <summary>Protections that were weaker than asked, or doors that were opened wide (e.g. host network).</summary>
    public ImmutableArray<string> Warnings { get; init; }

    /// <summary>The budget that applied.</summary>
    public ResourceLimits Limits { get; init; }

    /// <summary>A short, trusted explanation (e.g. which limit fired, or why exec failed).</summary>
    public string? Detail { get; init; }

    /// <summary>The tier that ran it (<c>process</c>, <c>wasm</c>, <c>js</c>, ...).</summary>
    public string Tier { get; init; } = "";

    /// <summary>The run's id, the same one its <see cref="Events.RunStarted"/> event carried; empty when the run never started.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Facts only the tier that ran it can report (fuel, trap code, engine limit), or null.</summary>
    public TierDetails? Details { get; init; }

    /// <summary>True when the guest exited with code 0.</summary>
    public bool IsSuccess => Outcome == SandboxOutcome.Exited && ExitCode == 0;
}
