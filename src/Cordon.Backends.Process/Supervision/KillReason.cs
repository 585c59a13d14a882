namespace Cordon.Backends.Process.Supervision;

/// <summary>Why the supervisor itself killed the sandbox.</summary>
internal enum KillReason
{
    WallTime,
    CpuTime,
    Output,
    Syscall,
    Canceled,

    /// <summary>The grace period after a forwarded signal (<see cref="Cordon.Execution.SignalForwarder.KillAfter"/>) ran out.</summary>
    Signal,
}
