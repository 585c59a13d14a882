using Cordon.Execution;

namespace Cordon.Backends.Process.Supervision;

/// <summary>Maps host-side facts to one outcome. Pure; the order of the rules is the policy (root cause first).</summary>
internal static class Verdict
{
    private const int SigKill = 9;
    private const int SigXcpu = 24;
    private const int SigSys = 31;
    private const int Enoent = 2;

    public static (SandboxOutcome Outcome, int? ExitCode, int? Signal, string? Detail) Decide(RunFacts f)
    {
        bool endedBadly = f.SupervisorKill is KillReason.WallTime or KillReason.CpuTime || f.Signal is not null || (f.ExitCode ?? 0) != 0;
        bool cpuOver = f.CpuLimit is { } limit && f.CpuTime >= limit;

        if (f.ForwardedSignal is { } forwarded)
        {
            string grace = f.SignalGrace is { } g ? Units.DurationText.Format(g) : "the grace period";
            return (SandboxOutcome.Canceled, null, forwarded, f.SupervisorKill == KillReason.Signal
                ? $"canceled by signal {forwarded} ({SignalName(forwarded)}): forwarded to the guest, then every guest process was killed after {grace}"
                : $"canceled by signal {forwarded} ({SignalName(forwarded)}): forwarded to the guest, which ended within {grace}");
        }

        if (f.SupervisorKill == KillReason.Canceled)
            return (SandboxOutcome.Canceled, null, SigKill, "canceled by the caller; every guest process was killed");
        if (f.SupervisorKill == KillReason.Syscall)
            return (SandboxOutcome.SyscallDenied, null, SigKill, $"killed on refused syscall '{f.KillingSyscall}'");
        if (f.SupervisorKill == KillReason.Output)
            return (SandboxOutcome.OutputExceeded, null, SigKill, "killed at the output limit");
        if (f.Signal == SigSys)
            return (SandboxOutcome.SyscallDenied, null, SigSys, "killed by SIGSYS: a syscall from a foreign ABI (i386/x32) or a refused call");
        if (f.OomKilled && endedBadly)
            return (SandboxOutcome.MemoryExceeded, f.ExitCode, f.Signal ?? SigKill, "the out-of-memory killer fired inside the memory limit");
        if (f.ProcessLimitHit && endedBadly)
            return (SandboxOutcome.ProcessLimitExceeded, f.ExitCode, f.Signal, "fork/clone failed at the process limit");
        if (f.DiskBudgetFull is { } grant && endedBadly)
            return (SandboxOutcome.DiskExceeded, f.ExitCode, f.Signal, $"{grant} filled its disk budget (--disk)");
        if (f.SupervisorKill == KillReason.CpuTime || f.Signal == SigXcpu || (f.Signal == SigKill && cpuOver))
            return (SandboxOutcome.CpuTimeExceeded, null, f.Signal ?? SigKill, "killed at the CPU-time limit");
        if (f.SupervisorKill == KillReason.WallTime)
            return (SandboxOutcome.WallTimeExceeded, null, SigKill, "killed at the wall-clock limit");
        if (f.ExecErrno is { } errno)
        {
            string why = errno == Enoent ? "not found inside the sandbox" : "cannot be executed inside the sandbox";
            return (SandboxOutcome.ExecFailed, errno == Enoent ? 127 : 126, null, $"program {why} (errno {errno})");
        }

        if (f.Signal is { } signal) return (SandboxOutcome.Signaled, null, signal, null);
        if (f.ExitCode is { } code) return (SandboxOutcome.Exited, code, null, null);

        // The launcher (pid 1) vanished without a report: only bwrap's propagated status is left.
        return f.BwrapExitStatus is { } status && status > 128
            ? (SandboxOutcome.Signaled, null, status - 128, "guest status inferred from bwrap's exit code")
            : (SandboxOutcome.Exited, f.BwrapExitStatus, null, "guest status inferred from bwrap's exit code");
    }

    /// <summary>The usual name of the signals a caller forwards.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        9 => "SIGKILL",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal number {signal}",
    };
}
