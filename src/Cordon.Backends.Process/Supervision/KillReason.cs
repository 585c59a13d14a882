namespace Cordon.Backends.Process.Supervision;

/// <summary>Why the supervisor itself killed the sandbox.</summary>
internal enum KillReason
{
    WallTime,
    CpuTime,
    Output,
    Syscall,
    Canceled,
}
