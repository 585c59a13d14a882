using System.Text;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// The only globals a script gets beyond the ECMAScript standard library, each mapped from the policy or granted
/// explicitly: <c>console</c> (captured, capped), <c>args</c>, <c>env</c> (exactly the policy's variables),
/// <c>readFile</c> (only when the policy grants files) and the embedder's <see cref="JavaScriptHostFunction"/>s.
/// Each is a frozen object or function made by the engine for this run only; no host object is ever exposed.
/// </summary>
internal static class ScriptGlobals
{
    /// <summary>Names the tier itself defines; a host function may not take one.</summary>
    internal static readonly string[] Reserved = ["console", "args", "env", "readFile"];

    internal static void Install(Engine engine, SandboxPolicy policy, SandboxCommand command, RunState run, GrantedFiles files,
        StreamCapture stdout, StreamCapture stderr, JavaScriptBackendOptions options)
    {
        JsValue freeze = engine.Intrinsics.Object.Get("freeze");

        var console = new JsObject(engine);
        foreach (string name in (ReadOnlySpan<string>)["log", "info", "debug"])
        {
            Method(engine, console, name, (_, a) => Print(engine, stdout, a));
        }

        foreach (string name in (ReadOnlySpan<string>)["error", "warn"])
        {
            Method(engine, console, name, (_, a) => Print(engine, stderr, a));
        }

        engine.Call(freeze, console);
        engine.SetValue("console", console);

        // args and env are built the first time the script reads them: most scripts never do.
        engine.Advanced.AddLazyGlobal("args", command, static (e, c) =>
        {
            var arguments = new JsArray(e, [.. c.Arguments.Select(a => (JsValue)new JsString(a))]);
            e.Call(e.Intrinsics.Object.Get("freeze"), arguments);
            return arguments;
        }, PropertyFlag.Writable | PropertyFlag.Configurable);
        engine.Advanced.AddLazyGlobal("env", policy, static (e, p) =>
        {
            var env = new JsObject(e);
            e.Call(e.Intrinsics.Object.Get("setPrototypeOf"), env, JsValue.Null);
            foreach ((string name, string value) in p.Environment)
            {
                env.FastSetProperty(name, new PropertyDescriptor(new JsString(value), PropertyFlag.Enumerable));
            }

            e.Call(e.Intrinsics.Object.Get("freeze"), env);
            return env;
        }, PropertyFlag.Writable | PropertyFlag.Configurable);

        if (files.Any)
        {
            engine.SetValue("readFile", new ClrFunction(engine, "readFile", (_, a) => ReadFile(engine, files, run, a), 1));
        }

        foreach (JavaScriptHostFunction function in options.HostFunctions)
        {
            engine.SetValue(function.Name, new ClrFunction(engine, function.Name, (_, a) => CallHost(engine, function, a), function.Parameters.Length));
        }
    }

    private static void Method(Engine engine, JsObject target, string name, Func<JsValue, JsValue[], JsValue> body)
        => target.FastSetProperty(name, new PropertyDescriptor(new ClrFunction(engine, name, body), PropertyFlag.Enumerable));

    /// <summary>console.log and friends: the arguments joined by spaces, one line, UTF-8, into the capped capture.</summary>
    private static JsValue Print(Engine engine, StreamCapture capture, JsValue[] arguments)
    {
        if (capture.IsFull)
        {
            capture.Discard(1);
            return JsValue.Undefined;
        }

        var line = new StringBuilder();
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0) line.Append(' ');
            line.Append(Format(engine, arguments[i]));
        }

        line.Append('\n');
        capture.Write(Encoding.UTF8.GetBytes(line.ToString()));
        return JsValue.Undefined;
    }

    /// <summary>Strings as they are, other primitives as ToString gives them, objects as JSON (or their ToString when JSON fails).</summary>
    /// <remarks>Formatting runs the script's own toString/toJSON code, on the engine thread and under the run's limits.</remarks>
    private static string Format(Engine engine, JsValue value)
    {
        if (value.IsString()) return value.AsString();
        if (value.IsSymbol()) return value.ToString();
        if (value is not ObjectInstance || value is Jint.Native.Function.Function) return TypeConverter.ToString(value);
        try
        {
            JsValue json = new JsonSerializer(engine).Serialize(value);
            return json.IsString() ? json.AsString() : TypeConverter.ToString(value);
        }
        catch (JavaScriptException)
        {
            return TypeConverter.ToString(value);
        }
    }

    /// <summary>readFile(path): the UTF-8 text of a granted file, or a catchable Error naming why not (recorded as a denial).</summary>
    private static JsValue ReadFile(Engine engine, GrantedFiles files, RunState run, JsValue[] arguments)
    {
        if (arguments.Length != 1 || !arguments[0].IsString())
        {
            throw new JavaScriptException(engine.Intrinsics.TypeError, "readFile takes one string: an absolute guest path");
        }

        string path = arguments[0].AsString();
        long budget = run.Limits.MemoryBytes is { } limit ? Math.Max(0, (limit - run.AllocatedBytes) / 3) : Array.MaxLength;
        if (files.TryRead(path, budget, out byte[] contents, out string problem))
        {
            return new JsString(Encoding.UTF8.GetString(contents));
        }

        string denial = $"readFile {UntrustedText.Quote(path)}: {problem}";
        run.Deny(denial);
        throw new JavaScriptException(engine.Intrinsics.Error, denial);
    }

    private static JsValue CallHost(Engine engine, JavaScriptHostFunction function, JsValue[] arguments)
    {
        if (function.CheckArguments(arguments) is { } problem)
        {
            throw new JavaScriptException(engine.Intrinsics.TypeError, problem);
        }

        try
        {
            return function.Invoke(arguments);
        }
        catch (Exception e) when (e is not RunInterruptedException)
        {
            throw new HostFunctionFailedException(function, e);
        }
    }
}
