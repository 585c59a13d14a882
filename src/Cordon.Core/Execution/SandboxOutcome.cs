namespace Cordon.Execution;

/// <summary>Why a run ended. The JSON form is the snake_case name (<c>wall_time_exceeded</c>).</summary>
public enum SandboxOutcome
{
    /// <summary>The guest exited by itself; see <see cref="SandboxResult.ExitCode"/>.</summary>
    Exited,

    /// <summary>The guest was killed by a signal it did not get from a Cordon limit; see <see cref="SandboxResult.Signal"/>.</summary>
    Signaled,

    /// <summary>The program could not be started inside the sandbox (not found, not executable).</summary>
    ExecFailed,

    /// <summary>Killed at the wall-clock limit.</summary>
    WallTimeExceeded,

    /// <summary>Killed at the CPU-time limit (or, in the Wasm tier, out of fuel).</summary>
    CpuTimeExceeded,

    /// <summary>Killed by the out-of-memory killer inside its own memory limit.</summary>
    MemoryExceeded,

    /// <summary>Hit the process/thread limit and did not finish successfully.</summary>
    ProcessLimitExceeded,

    /// <summary>Wrote past the output cap with <see cref="Policy.OutputAction.Kill"/>.</summary>
    OutputExceeded,

    /// <summary>Filled a writable grant's disk budget (<see cref="Policy.ResourceLimits.DiskBytes"/>) and did not finish successfully.</summary>
    DiskExceeded,

    /// <summary>Made a refused syscall with <see cref="Policy.ViolationAction.Kill"/> (or used a foreign syscall ABI).</summary>
    SyscallDenied,

    /// <summary>A WebAssembly trap (unreachable, out-of-bounds, stack overflow...).</summary>
    Trapped,

    /// <summary>The caller cancelled the run; every guest process was killed.</summary>
    Canceled,

    /// <summary>Cordon could not set the sandbox up; nothing of the guest ran.</summary>
    SetupError,
}
