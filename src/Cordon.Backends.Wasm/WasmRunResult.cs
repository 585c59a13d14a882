using Cordon.Execution;

namespace Cordon.Backends.Wasm;

/// <summary>A <see cref="SandboxResult"/> plus what only the WebAssembly tier measures.</summary>
/// <param name="Result">The tier-neutral result (what <see cref="WasmSandboxBackend.RunAsync"/> returns).</param>
/// <param name="FuelConsumed">Fuel units the run used; null when fuel metering is off or nothing ran.</param>
/// <param name="TrapCode">
/// The trap in snake_case (<c>unreachable</c>, <c>memory_out_of_bounds</c>, <c>stack_overflow</c>, <c>integer_division_by_zero</c>,
/// <c>host_function_error</c>...) when the module trapped, including the trap that followed a refused <c>memory.grow</c>; otherwise null.
/// </param>
public sealed record WasmRunResult(SandboxResult Result, long? FuelConsumed, string? TrapCode);
