using Cordon.Execution;

namespace Cordon.Contracts;

/// <summary>
/// A machine-readable reason beside the outcome, <c>group.detail</c> (as sandbox2 pairs a final status with a reason
/// code): <c>exit.success</c>, <c>exit.failure</c>, <c>signal.11</c>, <c>exec.not_found</c>, <c>limit.wall_time</c>,
/// <c>limit.fuel</c>, <c>syscall.ptrace</c>, <c>trap.unreachable</c>, <c>canceled.caller</c>, <c>setup.error</c>. Callers
/// branch on it; the text in <c>detail</c> is for people.
/// </summary>
public static class ReasonCode
{
    /// <summary>The reason of <paramref name="result"/>.</summary>
    public static string For(SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            SandboxOutcome.Exited => result.ExitCode == 0 ? "exit.success" : "exit.failure",
            SandboxOutcome.Signaled => $"signal.{result.Signal ?? 0}",
            SandboxOutcome.ExecFailed => result.ExitCode == 126 ? "exec.not_executable" : "exec.not_found",
            SandboxOutcome.WallTimeExceeded => "limit." + WireNames.Limit.WallTime,
            SandboxOutcome.CpuTimeExceeded => "limit." + result.Details switch
            {
                WasmDetails { OutOfFuel: true } => WireNames.Limit.Fuel,
                JavaScriptDetails { Limit: WireNames.Limit.Statements } => WireNames.Limit.Statements,
                _ => WireNames.Limit.CpuTime,
            },
            SandboxOutcome.MemoryExceeded => "limit." + WireNames.Limit.Memory,
            SandboxOutcome.ProcessLimitExceeded => "limit." + WireNames.Limit.Processes,
            SandboxOutcome.OutputExceeded => "limit." + WireNames.Limit.Output,
            SandboxOutcome.DiskExceeded => "limit." + WireNames.Limit.Disk,
            SandboxOutcome.SyscallDenied => "syscall." + (result.Violations.FirstOrDefault(v => v.Action == "kill")?.Syscall ?? "unknown"),
            SandboxOutcome.Trapped => "trap." + result.Details switch
            {
                WasmDetails { TrapCode: { } code } => code,
                JavaScriptDetails { Limit: WireNames.Limit.Recursion } => "recursion_limit",
                _ => "unknown",
            },
            SandboxOutcome.Canceled => result.Signal is { } s && s != 9 ? $"canceled.signal_{s}" : "canceled.caller",
            _ => "setup.error",
        };
    }
}
