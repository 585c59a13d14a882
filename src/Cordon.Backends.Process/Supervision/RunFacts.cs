namespace Cordon.Backends.Process.Supervision;

/// <summary>Host-side facts gathered about one run, the only input of <see cref="Verdict"/>.</summary>
internal sealed record RunFacts
{
    public KillReason? SupervisorKill { get; init; }
    public bool GuestStarted { get; init; }
    public int? ExecErrno { get; init; }
    public int? ExitCode { get; init; }
    public int? Signal { get; init; }
    public bool OomKilled { get; init; }
    public bool ProcessLimitHit { get; init; }

    /// <summary>The guest path of a writable grant whose disk budget is full at the end of the run, if any.</summary>
    public string? DiskBudgetFull { get; init; }
    public TimeSpan CpuTime { get; init; }
    public TimeSpan? CpuLimit { get; init; }
    public string? KillingSyscall { get; init; }
    public int? BwrapExitStatus { get; init; }

    /// <summary>The first signal the caller had forwarded to the guest.</summary>
    public int? ForwardedSignal { get; init; }

    /// <summary>How long the guest was given after a forwarded signal before everything was killed.</summary>
    public TimeSpan? SignalGrace { get; init; }
}
