namespace Cordon.Backends.Wasm;

/// <summary>The WebAssembly number types a host function or an invoked export may use.</summary>
/// <remarks>Reference and vector types are deliberately absent: they cannot be passed as text and would widen the host surface.</remarks>
public enum WasmValueType
{
    /// <summary>32-bit integer (C# <see cref="int"/>).</summary>
    I32,

    /// <summary>64-bit integer (C# <see cref="long"/>).</summary>
    I64,

    /// <summary>32-bit IEEE float (C# <see cref="float"/>).</summary>
    F32,

    /// <summary>64-bit IEEE float (C# <see cref="double"/>).</summary>
    F64,
}
