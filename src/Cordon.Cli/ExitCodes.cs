using Cordon.Execution;

namespace Cordon.Cli;

/// <summary>The exit-code contract of <c>cordon run</c>, modelled on timeout(1), env(1) and docker run.</summary>
internal static class ExitCodes
{
    public const int Usage = 2;
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
        SandboxOutcome.Canceled => Canceled,
        _ => CordonFailed,
    };
}
