using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cordon.Output;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>Parses <c>--invoke</c> arguments from text against an export's signature, and formats its results.</summary>
internal static class InvokeArguments
{
    /// <summary>Parses one argument per parameter; on failure says which and why.</summary>
    internal static bool TryParse(string export, IReadOnlyList<ValueKind> parameters, ImmutableArray<string> arguments,
        out ValueBox[] values, out string problem)
    {
        values = new ValueBox[parameters.Count];
        string signature = ImportCheck.Signature(parameters, []);
        if (arguments.Length != parameters.Count)
        {
            problem = $"export {UntrustedText.Quote(export)} takes {parameters.Count} argument(s) {signature[..signature.IndexOf(" ->", StringComparison.Ordinal)]}, but {arguments.Length} were given";
            return false;
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            if (!TryParseOne(parameters[i], arguments[i], out values[i]))
            {
                problem = $"argument {i + 1} of {UntrustedText.Quote(export)} must be {Describe(parameters[i])}, not {UntrustedText.Quote(arguments[i])}";
                return false;
            }
        }

        problem = "";
        return true;
    }

    /// <summary>Checks that every parameter and result has a type that can cross as text.</summary>
    internal static string? Unsupported(string export, IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results)
    {
        ValueKind? bad = parameters.Concat(results).Cast<ValueKind?>().FirstOrDefault(k => WasmHostFunction.FromKind(k!.Value) is null);
        return bad is null ? null
            : $"export {UntrustedText.Quote(export)} has signature {ImportCheck.Signature(parameters, results)}; invoking passes only i32, i64, f32 and f64";
    }

    /// <summary>One line per result, in invariant culture (floats round-trip).</summary>
    internal static byte[] Format(object? result)
    {
        var text = new StringBuilder();
        foreach (object? value in result switch { null => [], object[] many => many, _ => [result] })
        {
            text.Append(value switch
            {
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "an i32 (an integer from -2147483648 to 4294967295)",
        ValueKind.Int64 => "an i64 (an integer from -9223372036854775808 to 18446744073709551615)",
        ValueKind.Float32 => "an f32 (a number, nan or inf)",
        _ => "an f64 (a number, nan or inf)",
    };

    private static bool TryParseOne(ValueKind kind, string text, out ValueBox value)
    {
        value = default;
        switch (kind)
        {
            case ValueKind.Int32 when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                && l is >= int.MinValue and <= uint.MaxValue:
                value = unchecked((int)l);
                return true;
            case ValueKind.Int64 when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l):
                value = l;
                return true;
            case ValueKind.Int64 when ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u):
                value = unchecked((long)u);
                return true;
            case ValueKind.Float32 when TryParseFloat(text, out double f):
                value = (float)f;
                return true;
            case ValueKind.Float64 when TryParseFloat(text, out double d):
                value = d;
                return true;
            default:
                return false;
        }
    }

    private static bool TryParseFloat(string text, out double value)
    {
        switch (text.ToLowerInvariant())
        {
            case "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
