using System.Collections.Immutable;
using Jint;
using Jint.Native;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// One host function handed to scripts as the global <see cref="Name"/>: the only way a script gets any capability
/// beyond the ECMAScript standard library (and the console, args and env the tier maps from the policy).
/// </summary>
/// <remarks>
/// <para>
/// Only numbers, booleans and strings cross the boundary (<see cref="JavaScriptValueType"/>), checked on every call
/// without coercion: a script cannot hand the function an object (so no <c>toString</c> or getter of the script's runs
/// inside it), and it receives a primitive back, never a host object. Keep granted functions small and total: they
/// run on the engine thread, inside the run's time budget, with script-chosen (hostile) arguments.
/// </para>
/// <para>
/// An argument of the wrong type or count throws a <c>TypeError</c> the script can catch. An exception thrown by the
/// function itself ends the run <see cref="Cordon.Execution.SandboxOutcome.Trapped"/> (trap code
/// <c>host_function_error</c>); the script cannot catch it. Functions may be called from several runs at once when
/// the backend runs scripts concurrently, so they must be thread-safe.
/// </para>
/// </remarks>
public sealed class JavaScriptHostFunction
{
    private JavaScriptHostFunction(string name, ImmutableArray<JavaScriptValueType> parameters, JavaScriptValueType? result,
        Func<JsValue[], JsValue> invoke)
    {
        Name = name;
        Parameters = parameters;
        Result = result;
        Invoke = invoke;
    }

    /// <summary>The global name the script calls, e.g. <c>lookupPrice</c>.</summary>
    public string Name { get; }

    /// <summary>Parameter types, in order.</summary>
    public ImmutableArray<JavaScriptValueType> Parameters { get; }

    /// <summary>The result type; null for a function that returns <c>undefined</c>.</summary>
    public JavaScriptValueType? Result { get; }

    /// <summary>Calls the function with already type-checked arguments.</summary>
    internal Func<JsValue[], JsValue> Invoke { get; }

    /// <summary>Grants <c>() -&gt; TResult</c>.</summary>
    public static JavaScriptHostFunction Create<TResult>(string name, Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(name, [], TypeOf<TResult>(), _ => Box(function()));
    }

    /// <summary>Grants <c>(T1) -&gt; TResult</c>.</summary>
    public static JavaScriptHostFunction Create<T1, TResult>(string name, Func<T1, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(name, [TypeOf<T1>()], TypeOf<TResult>(), a => Box(function(Read<T1>(a[0]))));
    }

    /// <summary>Grants <c>(T1, T2) -&gt; TResult</c>, e.g. <c>Create&lt;double, double, double&gt;("add", (a, b) =&gt; a + b)</c>.</summary>
    public static JavaScriptHostFunction Create<T1, T2, TResult>(string name, Func<T1, T2, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(name, [TypeOf<T1>(), TypeOf<T2>()], TypeOf<TResult>(), a => Box(function(Read<T1>(a[0]), Read<T2>(a[1]))));
    }

    /// <summary>Grants <c>(T1, T2, T3) -&gt; TResult</c>.</summary>
    public static JavaScriptHostFunction Create<T1, T2, T3, TResult>(string name, Func<T1, T2, T3, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return New(name, [TypeOf<T1>(), TypeOf<T2>(), TypeOf<T3>()], TypeOf<TResult>(),
            a => Box(function(Read<T1>(a[0]), Read<T2>(a[1]), Read<T3>(a[2]))));
    }

    /// <summary>Grants <c>(T1) -&gt; undefined</c>, e.g. a sink for results.</summary>
    public static JavaScriptHostFunction CreateAction<T1>(string name, Action<T1> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return New(name, [TypeOf<T1>()], null, a =>
        {
            action(Read<T1>(a[0]));
            return JsValue.Undefined;
        });
    }

    /// <summary>Grants <c>(T1, T2) -&gt; undefined</c>.</summary>
    public static JavaScriptHostFunction CreateAction<T1, T2>(string name, Action<T1, T2> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return New(name, [TypeOf<T1>(), TypeOf<T2>()], null, a =>
        {
            action(Read<T1>(a[0]), Read<T2>(a[1]));
            return JsValue.Undefined;
        });
    }

    /// <summary>The name and signature, e.g. <c>add(number, number) -&gt; number</c>.</summary>
    public override string ToString()
        => $"{Name}({string.Join(", ", Parameters.Select(Format))}) -> {(Result is { } r ? Format(r) : "undefined")}";

    /// <summary>Why <paramref name="arguments"/> do not fit the signature, or null when they do.</summary>
    internal string? CheckArguments(JsValue[] arguments)
    {
        if (arguments.Length != Parameters.Length)
        {
            return $"{Name} takes {Parameters.Length} argument{(Parameters.Length == 1 ? "" : "s")}, got {arguments.Length}";
        }

        for (int i = 0; i < arguments.Length; i++)
        {
            JsValue value = arguments[i];
            bool fits = Parameters[i] switch
            {
                JavaScriptValueType.Number => value.IsNumber(),
                JavaScriptValueType.Integer => value.IsNumber() && double.IsInteger(value.AsNumber()) && value.AsNumber() is >= int.MinValue and <= int.MaxValue,
                JavaScriptValueType.Boolean => value.IsBoolean(),
                _ => value.IsString(),
            };
            if (!fits)
            {
                return $"{Name}: argument {i + 1} must be {Article(Parameters[i])}";
            }
        }

        return null;
    }

    private static string Format(JavaScriptValueType type) => type.ToString().ToLowerInvariant();

    private static string Article(JavaScriptValueType type) => type switch
    {
        JavaScriptValueType.Integer => "an integer (32-bit)",
        _ => "a " + Format(type),
    };

    private static JavaScriptHostFunction New(string name, ImmutableArray<JavaScriptValueType> parameters, JavaScriptValueType? result,
        Func<JsValue[], JsValue> invoke)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!IsIdentifier(name))
        {
            throw new ArgumentException($"'{name}' is not a plain JavaScript identifier (letters, digits, _ and $, not starting with a digit)", nameof(name));
        }

        return new JavaScriptHostFunction(name, parameters, result, invoke);
    }

    private static bool IsIdentifier(string name)
        => !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');

    private static T Read<T>(JsValue value)
    {
        object boxed = typeof(T) == typeof(double) ? value.AsNumber()
            : typeof(T) == typeof(int) ? (int)value.AsNumber()
            : typeof(T) == typeof(bool) ? value.AsBoolean()
            : value.AsString();
        return (T)boxed;
    }

    private static JsValue Box<T>(T value) => value switch
    {
        double d => JsNumber.Create(d),
        int i => JsNumber.Create(i),
        bool b => b ? JsBoolean.True : JsBoolean.False,
        string s => new JsString(s),
        _ => JsValue.Null,
    };

    private static JavaScriptValueType TypeOf<T>()
    {
        Type type = typeof(T);
        if (type == typeof(double)) return JavaScriptValueType.Number;
        if (type == typeof(int)) return JavaScriptValueType.Integer;
        if (type == typeof(bool)) return JavaScriptValueType.Boolean;
        if (type == typeof(string)) return JavaScriptValueType.String;
        throw new ArgumentException($"host functions take and return double, int, bool or string only; {type.Name} is not one of them", nameof(T));
    }
}
