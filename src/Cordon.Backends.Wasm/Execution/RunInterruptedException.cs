namespace Cordon.Backends.Wasm;

/// <summary>
/// Thrown from the epoch-deadline callback (or an interruptible host call) to end a run; Wasmtime unwinds the guest
/// and hands it back as the inner exception of its own error, where <see cref="WasmSandboxBackend"/> finds it.
/// </summary>
internal sealed class RunInterruptedException(StopReason reason) : Exception($"run stopped: {reason}")
{
    internal StopReason Reason { get; } = reason;
}
