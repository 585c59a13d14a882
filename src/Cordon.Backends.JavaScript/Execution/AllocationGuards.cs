using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Charges the built-ins that allocate one large block at once to the run's memory budget before they allocate.
/// </summary>
/// <remarks>
/// <para>
/// The engine's memory limit is checked between statements, so without these a single call such as
/// <c>'x'.repeat(2**29)</c> (1 GiB) or <c>new ArrayBuffer(2**30)</c> would allocate before anything notices.
/// </para>
/// <para>
/// String <c>repeat</c>, <c>padStart</c> and <c>padEnd</c> are reachable from any string literal, so they are replaced
/// on every run (three small host functions). The buffer family (ArrayBuffer, SharedArrayBuffer, the typed arrays) is
/// reachable only through its globals, so those globals are lazy: the first read of any of them wraps the whole family
/// (BufferGuards.js) and a script that never touches them pays nothing.
/// </para>
/// </remarks>
internal static class AllocationGuards
{
    private static readonly string[] BufferFamily =
    [
        "ArrayBuffer", "SharedArrayBuffer", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
        "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Float16Array",
    ];

    private static readonly Prepared<Script> s_bufferGuards = Engine.PrepareScript(ReadResource("BufferGuards.js"), "cordon:buffer-guards");

    internal static void Install(Engine engine, RunState run)
    {
        ObjectInstance global = engine.Global;
        var stringPrototype = (ObjectInstance)((ObjectInstance)global.Get("String")).Get("prototype");
        GuardStringMethod(engine, run, stringPrototype, "repeat", static (length, n) => length * n);
        GuardStringMethod(engine, run, stringPrototype, "padStart", static (_, n) => n);
        GuardStringMethod(engine, run, stringPrototype, "padEnd", static (_, n) => n);

        // Jint exposes every constructor of the family as an intrinsic except SharedArrayBuffer, which is read now.
        var family = new Family(engine, run, global.Get("SharedArrayBuffer"));
        foreach (string name in BufferFamily)
        {
            engine.Advanced.AddLazyGlobal(name, (family, name), static (_, state) => state.family.Guarded(state.name),
                PropertyFlag.Writable | PropertyFlag.Configurable);
        }
    }

    /// <summary>Replaces <c>String.prototype[name]</c> with a host function that converts its arguments once, charges the result's size, then calls the original.</summary>
    private static void GuardStringMethod(Engine engine, RunState run, ObjectInstance prototype, string name, Func<double, double, double> resultChars)
    {
        JsValue original = prototype.Get(name);
        var guarded = new ClrFunction(engine, name, (thisValue, arguments) =>
        {
            if (thisValue.IsNull() || thisValue.IsUndefined())
            {
                return engine.Call(original, thisValue, arguments);   // the original throws its TypeError
            }

            var self = new JsString(TypeConverter.ToString(thisValue));
            double n = arguments.Length > 0 ? TypeConverter.ToNumber(arguments[0]) : 0;
            JsValue[] converted = arguments.Length switch
            {
                0 => [],
                1 => [JsNumber.Create(n)],
                _ => [JsNumber.Create(n), arguments[1].IsUndefined() ? arguments[1] : new JsString(TypeConverter.ToString(arguments[1]))],
            };
            double chars = resultChars(self.Length, double.IsNaN(n) ? 0 : Math.Truncate(n));
            if (chars > 0 && double.IsFinite(chars))
            {
                run.ChargeAllocation(chars * 2);   // infinite or negative sizes are left to the original's RangeError
            }

            return engine.Call(original, self, converted);
        }, length: 1);
        prototype.FastSetProperty(name, new PropertyDescriptor(guarded, PropertyFlag.Writable | PropertyFlag.Configurable));
    }

    /// <summary>The buffer family of one engine: the untouched constructors, wrapped together on first use.</summary>
    private sealed class Family(Engine engine, RunState run, JsValue sharedArrayBuffer)
    {
        private ObjectInstance? _guarded;

        internal JsValue Guarded(string name)
        {
            if (_guarded is null)
            {
                Intrinsics i = engine.Intrinsics;
                var originals = new JsObject(engine);
                foreach ((string n, JsValue constructor) in (ReadOnlySpan<(string, JsValue)>)[
                    ("ArrayBuffer", i.ArrayBuffer), ("SharedArrayBuffer", sharedArrayBuffer), ("Int8Array", i.Int8Array),
                    ("Uint8Array", i.Uint8Array), ("Uint8ClampedArray", i.Uint8ClampedArray), ("Int16Array", i.Int16Array),
                    ("Uint16Array", i.Uint16Array), ("Int32Array", i.Int32Array), ("Uint32Array", i.Uint32Array),
                    ("Float16Array", i.Float16Array), ("Float32Array", i.Float32Array), ("Float64Array", i.Float64Array),
                    ("BigInt64Array", i.BigInt64Array), ("BigUint64Array", i.BigUint64Array)])
                {
                    originals.FastSetProperty(n, new PropertyDescriptor(constructor, PropertyFlag.None));
                }

                var charge = new ClrFunction(engine, "charge", (_, a) =>
                {
                    run.ChargeAllocation(a.Length > 0 && a[0].IsNumber() ? a[0].AsNumber() : 0);
                    return JsValue.Undefined;
                });
                // The wrappers also become each prototype's constructor, so no path leads back to an unguarded one.
                _guarded = (ObjectInstance)engine.Call(engine.Evaluate(in s_bufferGuards), charge, originals);
            }

            return _guarded.Get(name);
        }
    }

    private static string ReadResource(string name)
    {
        using Stream stream = typeof(AllocationGuards).Assembly.GetManifestResourceStream($"Cordon.Backends.JavaScript.{name}")
            ?? throw new InvalidOperationException($"resource {name} is missing from the assembly");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
