using System.Collections.Immutable;

namespace Cordon.Execution;

/// <summary>Facts only one tier can report, carried in <see cref="SandboxResult.Details"/> and in the result document.</summary>
public abstract record TierDetails;

/// <summary>The WebAssembly tier's facts.</summary>
/// <param name="FuelConsumed">Wasmtime fuel the module used, with a fuel budget; null without one.</param>
/// <param name="TrapCode">For <see cref="SandboxOutcome.Trapped"/>: <c>unreachable</c>, <c>memory_out_of_bounds</c>, <c>stack_overflow</c>, ...</param>
/// <param name="OutOfFuel">The run ended because its fuel ran out (reported as <see cref="SandboxOutcome.CpuTimeExceeded"/>).</param>
public sealed record WasmDetails(long? FuelConsumed, string? TrapCode, bool OutOfFuel = false) : TierDetails;

/// <summary>The JavaScript tier's facts.</summary>
/// <param name="Limit">The engine limit that ended the run (<c>wall_time</c>, <c>cpu_time</c>, <c>statements</c>, <c>memory</c>, <c>recursion</c>, <c>output</c>), or null.</param>
/// <param name="Error">The name of the uncaught error (<c>TypeError</c>, ...), or null.</param>
/// <param name="Denials">Doors the script tried and found closed, in order (capped by the tier).</param>
public sealed record JavaScriptDetails(string? Limit, string? Error, ImmutableArray<string> Denials) : TierDetails;

/// <summary>The gVisor tier's facts.</summary>
/// <param name="Platform">How the Sentry intercepts the guest's syscalls on this host (<c>ptrace</c>).</param>
/// <param name="UnsupportedSyscalls">Syscalls the Sentry does not implement that the guest made (each failed with ENOSYS), by name, as the Sentry logged them.</param>
/// <param name="Refusals">What the tier can say about refused syscalls: gVisor serves them itself, so none is refused by name as in the process tier.</param>
public sealed record GvisorDetails(string Platform, ImmutableArray<string> UnsupportedSyscalls, string Refusals) : TierDetails
{
    /// <summary>The statement every gVisor result carries instead of named refusals.</summary>
    public const string RefusalsNotReported = "not reported: gVisor's Sentry serves the guest's syscalls itself and applies no Cordon seccomp profile, so no call is refused by name; calls it does not implement fail with ENOSYS and are listed";
}
