using Cordon.Execution;

namespace Cordon.Cli;

/// <summary>
/// The exit-code contract of every cordon command, modelled on timeout(1), env(1) and docker run: Cordon's own failures,
/// usage errors included, are 125 everywhere (never 1 or 2, which a guest uses for its own failures).
/// </summary>
internal static class ExitCodes
{
    /// <summary>A bad option or argument, for every command (the same code as any other failure of Cordon itself).</summary>
    public const int Usage = CordonFailed;

    /// <summary>128 + SIGPIPE: the caller's stdout or stderr was closed, so the run was stopped, as a shell pipeline stops.</summary>
    public const int BrokenPipe = 141;
    public const int WallTime = 124;
    public const int CordonFailed = 125;
    public const int CannotExecute = 126;
    public const int NotFound = 127;
    public const int CpuTime = 152;       // 128 + SIGXCPU, as a shell reports an RLIMIT_CPU kill
    public const int Memory = 137;        // 128 + SIGKILL, what the OOM killer delivers
    public const int Processes = 123;
    public const int Output = 122;
    public const int SyscallDenied = 159; // 128 + SIGSYS
    public const int Trapped = 121;
    public const int Disk = 120;
    public const int Canceled = 130;      // 128 + SIGINT

    public static int For(SandboxResult result) => result.Outcome switch
    {
        SandboxOutcome.Exited => result.ExitCode ?? 0,
        SandboxOutcome.Signaled => 128 + (result.Signal ?? 0),
        SandboxOutcome.ExecFailed => result.ExitCode ?? CannotExecute,
        SandboxOutcome.WallTimeExceeded => WallTime,
        SandboxOutcome.CpuTimeExceeded => CpuTime,
        SandboxOutcome.MemoryExceeded => Memory,
        SandboxOutcome.ProcessLimitExceeded => Processes,
        SandboxOutcome.OutputExceeded => Output,
        SandboxOutcome.DiskExceeded => Disk,
        SandboxOutcome.SyscallDenied => SyscallDenied,
        SandboxOutcome.Trapped => Trapped,
        // A forwarded signal N gives 128 + N (143 for SIGTERM); a library-style cancellation (Signal 9) counts as Ctrl-C.
        SandboxOutcome.Canceled => result.Signal is { } n and not 9 ? 128 + n : Canceled,
        _ => CordonFailed,
    };
}
