using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>
/// One host function handed to modules as the import <see cref="Module"/>::<see cref="Name"/>: the only way a
/// module gets any capability beyond its own memory (and WASI, when enabled).
/// </summary>
/// <remarks>
/// <para>
/// Only numbers cross the boundary (<see cref="WasmValueType"/>): a host function cannot be handed a pointer
/// into host memory, a file or a socket, so a module can do through it exactly what its code computes from
/// those numbers. Keep granted functions small and total: they run on the sandbox's worker thread, inside
/// the guest's wall-time budget, and are called with guest-chosen (hostile) arguments.
/// </para>
/// <para>
/// An exception thrown by the function stops the guest: the run ends <see cref="Cordon.Execution.SandboxOutcome.Trapped"/>
/// with trap code <c>host_function_error</c>. The function may be called from several runs at once when the
/// backend runs modules concurrently, so it must be thread-safe.
/// </para>
/// </remarks>
public sealed class WasmHostFunction
{
    private WasmHostFunction(string module, string name, ImmutableArray<WasmValueType> parameters,
        ImmutableArray<WasmValueType> results, Function.UntypedCallbackDelegate callback)
    {
        Module = module;
        Name = name;
        Parameters = parameters;
        Results = results;
        Callback = callback;
    }

    /// <summary>The import module name, e.g. <c>env</c>.</summary>
    public string Module { get; }

    /// <summary>The import field name, e.g. <c>add</c>.</summary>
    public string Name { get; }

    /// <summary>Parameter types, in order.</summary>
    public ImmutableArray<WasmValueType> Parameters { get; }

    /// <summary>Result types (none or one).</summary>
    public ImmutableArray<WasmValueType> Results { get; }

    internal Function.UntypedCallbackDelegate Callback { get; }

    /// <summary>Grants <c>() -&gt; TResult</c>.</summary>
    public static WasmHostFunction Create<TResult>(string module, string name, Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(module, name, [], [TypeOf<TResult>()],
            (Caller _, ReadOnlySpan<ValueBox> _, Span<ValueBox> r) => r[0] = Box(function()));
    }

    /// <summary>Grants <c>(T1) -&gt; TResult</c>.</summary>
    public static WasmHostFunction Create<T1, TResult>(string module, string name, Func<T1, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(module, name, [TypeOf<T1>()], [TypeOf<TResult>()],
            (Caller _, ReadOnlySpan<ValueBox> a, Span<ValueBox> r) => r[0] = Box(function(Read<T1>(a[0]))));
    }

    /// <summary>Grants <c>(T1, T2) -&gt; TResult</c>, e.g. <c>Create&lt;int, int, int&gt;("env", "add", (a, b) =&gt; a + b)</c>.</summary>
    public static WasmHostFunction Create<T1, T2, TResult>(string module, string name, Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(module, name, [TypeOf<T1>(), TypeOf<T2>()], [TypeOf<TResult>()],
            (Caller _, ReadOnlySpan<ValueBox> a, Span<ValueBox> r) => r[0] = Box(function(Read<T1>(a[0]), Read<T2>(a[1]))));
    }

    /// <summary>Grants <c>(T1, T2, T3) -&gt; TResult</c>.</summary>
    public static WasmHostFunction Create<T1, T2, T3, TResult>(string module, string name, Func<T1, T2, T3, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(module, name, [TypeOf<T1>(), TypeOf<T2>(), TypeOf<T3>()], [TypeOf<TResult>()],
            (Caller _, ReadOnlySpan<ValueBox> a, Span<ValueBox> r) => r[0] = Box(function(Read<T1>(a[0]), Read<T2>(a[1]), Read<T3>(a[2]))));
    }

    /// <summary>Grants <c>(T1) -&gt; ()</c>, e.g. a sink for results.</summary>
    public static WasmHostFunction CreateAction<T1>(string module, string name, Action<T1> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return New(module, name, [TypeOf<T1>()], [],
            (Caller _, ReadOnlySpan<ValueBox> a, Span<ValueBox> _) => action(Read<T1>(a[0])));
    }

    /// <summary>Grants <c>(T1, T2) -&gt; ()</c>.</summary>
    public static WasmHostFunction CreateAction<T1, T2>(string module, string name, Action<T1, T2> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return New(module, name, [TypeOf<T1>(), TypeOf<T2>()], [],
            (Caller _, ReadOnlySpan<ValueBox> a, Span<ValueBox> _) => action(Read<T1>(a[0]), Read<T2>(a[1])));
    }

    /// <summary>The import name and signature, e.g. <c>env::add (i32, i32) -&gt; i32</c>.</summary>
    public override string ToString() => $"{Module}::{Name} {FormatSignature(Parameters, Results)}";

    internal static string FormatSignature(IEnumerable<WasmValueType> parameters, IEnumerable<WasmValueType> results)
    {
        string Format(IEnumerable<WasmValueType> types) => string.Join(", ", types.Select(t => t.ToString().ToLowerInvariant()));
        string r = Format(results);
        return $"({Format(parameters)}) -> {(r.Length == 0 ? "()" : r)}";
    }

    internal static ValueKind ToKind(WasmValueType type) => type switch
    {
        WasmValueType.I32 => ValueKind.Int32,
        WasmValueType.I64 => ValueKind.Int64,
        WasmValueType.F32 => ValueKind.Float32,
        WasmValueType.F64 => ValueKind.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static WasmValueType? FromKind(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => WasmValueType.I32,
        ValueKind.Int64 => WasmValueType.I64,
        ValueKind.Float32 => WasmValueType.F32,
        ValueKind.Float64 => WasmValueType.F64,
        _ => null,
    };

    private static WasmHostFunction New(string module, string name, ImmutableArray<WasmValueType> parameters,
        ImmutableArray<WasmValueType> results, Function.UntypedCallbackDelegate callback)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new WasmHostFunction(module, name, parameters, results, callback);
    }

    /// <summary>Unboxes a wasm value as <typeparamref name="T"/> (one of the four number types; checked at grant time).</summary>
    private static T Read<T>(in ValueBox box)
    {
        if (typeof(T) == typeof(int)) { int v = box.AsInt32(); return Unsafe.As<int, T>(ref v); }
        if (typeof(T) == typeof(long)) { long v = box.AsInt64(); return Unsafe.As<long, T>(ref v); }
        if (typeof(T) == typeof(float)) { float v = box.AsSingle(); return Unsafe.As<float, T>(ref v); }
        double d = box.AsDouble();
        return Unsafe.As<double, T>(ref d);
    }

    /// <summary>Boxes a <typeparamref name="T"/> result without allocating.</summary>
    private static ValueBox Box<T>(T value)
    {
        if (typeof(T) == typeof(int)) return Unsafe.As<T, int>(ref value);
        if (typeof(T) == typeof(long)) return Unsafe.As<T, long>(ref value);
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref value);
        return Unsafe.As<T, double>(ref value);
    }

    private static WasmValueType TypeOf<T>()
    {
        Type type = typeof(T);
        if (type == typeof(int)) return WasmValueType.I32;
        if (type == typeof(long)) return WasmValueType.I64;
        if (type == typeof(float)) return WasmValueType.F32;
        if (type == typeof(double)) return WasmValueType.F64;
        throw new ArgumentException($"host functions take and return int, long, float or double only; {type.Name} is not a WebAssembly number type", nameof(T));
    }
}
