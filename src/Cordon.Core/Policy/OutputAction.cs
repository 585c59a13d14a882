namespace Cordon.Policy;

/// <summary>What happens when the guest writes more than <see cref="ResourceLimits.MaxOutputBytes"/> to a stream.</summary>
public enum OutputAction
{
    /// <summary>Keep running; further bytes are read and dropped, and the stream is flagged truncated.</summary>
    Truncate,

    /// <summary>Kill the sandbox; the outcome is <see cref="Execution.SandboxOutcome.OutputExceeded"/>.</summary>
    Kill,
}
