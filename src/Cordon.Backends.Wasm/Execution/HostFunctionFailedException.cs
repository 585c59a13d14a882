namespace Cordon.Backends.Wasm;

/// <summary>A granted host function threw; carried through Wasmtime as the cause of the guest's trap.</summary>
internal sealed class HostFunctionFailedException(WasmHostFunction function, Exception inner)
    : Exception($"{function.Module}::{function.Name} threw {inner.GetType().Name}", inner);
