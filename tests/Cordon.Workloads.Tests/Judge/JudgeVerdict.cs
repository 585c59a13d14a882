using Cordon.Execution;

namespace Cordon.Workloads.Tests.Judge;

/// <summary>The verdicts an online judge gives (the ICPC set, plus the security verdict of isolate-style judges).</summary>
public enum JudgeVerdict
{
    Accepted,
    WrongAnswer,
    TimeLimitExceeded,
    MemoryLimitExceeded,
    OutputLimitExceeded,
    RuntimeError,
    SecurityViolation,
}

/// <summary>How a judge reads a sandbox result: only <see cref="SandboxResult.Outcome"/> and the exit status, never output text.</summary>
public static class JudgeVerdicts
{
    public static (JudgeVerdict Verdict, string Detail) Of(SandboxResult result, string output, string expected) => result.Outcome switch
    {
        SandboxOutcome.Exited when result.ExitCode == 0 => output == expected ? (JudgeVerdict.Accepted, "") : (JudgeVerdict.WrongAnswer, ""),
        SandboxOutcome.Exited => (JudgeVerdict.RuntimeError, $"exit {result.ExitCode}"),
        SandboxOutcome.Signaled => (JudgeVerdict.RuntimeError, SignalName(result.Signal)),
        SandboxOutcome.CpuTimeExceeded or SandboxOutcome.WallTimeExceeded => (JudgeVerdict.TimeLimitExceeded, ""),
        SandboxOutcome.MemoryExceeded => (JudgeVerdict.MemoryLimitExceeded, ""),
        SandboxOutcome.OutputExceeded => (JudgeVerdict.OutputLimitExceeded, ""),
        // A refused call under the strict profile, or fork at the process limit: the program tried what the problem forbids.
        SandboxOutcome.SyscallDenied => (JudgeVerdict.SecurityViolation, string.Join(",", result.Violations.Select(v => v.Syscall))),
        SandboxOutcome.ProcessLimitExceeded => (JudgeVerdict.SecurityViolation, "process limit"),
        _ => throw new InvalidOperationException($"no verdict for {result.Outcome}: {result.Detail}"),
    };

    private static string SignalName(int? signal) => signal switch
    {
        6 => "SIGABRT",
        8 => "SIGFPE",
        11 => "SIGSEGV",
        _ => $"signal {signal}",
    };
}
