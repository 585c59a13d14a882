namespace Cordon.Backends.JavaScript;

/// <summary>Which of the tier's limits ended a run; the JSON form is the snake_case name (<c>wall_time</c>).</summary>
public enum JavaScriptLimit
{
    /// <summary>The wall-clock limit (<see cref="Cordon.Execution.SandboxOutcome.WallTimeExceeded"/>).</summary>
    WallTime,

    /// <summary>The CPU-time limit, the worker thread's own CPU clock (<see cref="Cordon.Execution.SandboxOutcome.CpuTimeExceeded"/>).</summary>
    CpuTime,

    /// <summary>The statement budget, <see cref="JavaScriptBackendOptions.MaxStatements"/> (<see cref="Cordon.Execution.SandboxOutcome.CpuTimeExceeded"/>).</summary>
    Statements,

    /// <summary>The memory budget: bytes the run allocated (<see cref="Cordon.Execution.SandboxOutcome.MemoryExceeded"/>).</summary>
    Memory,

    /// <summary>The call-depth limit, <see cref="JavaScriptBackendOptions.MaxRecursionDepth"/> (<see cref="Cordon.Execution.SandboxOutcome.Trapped"/>).</summary>
    Recursion,

    /// <summary>The output cap with <see cref="Cordon.Policy.OutputAction.Kill"/> (<see cref="Cordon.Execution.SandboxOutcome.OutputExceeded"/>).</summary>
    Output,
}
