using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Cordon.Backends.JavaScript.Tier;
using Cordon.Backends.Wasm;
using Cordon.Backends.Wasm.Tier;
using Cordon.Policy;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Mcp.Tools;

/// <summary>
/// A call's <c>limits</c> object, applied beneath the server's ceiling: each value may only lower the ceiling's, and a
/// value above it is an invalid-params error naming the field and the ceiling, so an agent learns what it may ask for.
/// </summary>
internal static class CallLimits
{
    public static readonly FrozenSet<string> Fields = FrozenSet.Create(StringComparer.Ordinal, "time", "cpu", "memory", "pids", "output", "fsize", "fuel", "statements");

    /// <summary>The wasm tier's instruction budget when a call names none, and the most a call may ask for.</summary>
    public const long FuelCeiling = WasmBackendOptions.DefaultFuel;

    /// <summary>
    /// The budgets only one tier has, as that tier's own options: <c>fuel</c> (wasm instructions, at most the tier's
    /// default) and <c>statements</c> (JavaScript statements; the tier has no budget by default). Either on another
    /// tier is an error naming the field, never silently ignored.
    /// </summary>
    public static TierSettings TierBudgets(ToolArguments? limits, string tier)
    {
        if (limits is null) return TierSettings.None;
        var values = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (limits.Integer("fuel", 1, long.MaxValue) is { } fuel)
        {
            if (tier != "wasm") throw limits.Invalid("fuel", $"is the wasm tier's instruction budget; this call runs on the {tier} tier (use time or cpu)");
            if (fuel > FuelCeiling) throw limits.Invalid("fuel", $"asks for {fuel}; the server's ceiling is {FuelCeiling} (a call can only lower a limit)");
            values[WasmTier.FuelOption] = fuel.ToString(CultureInfo.InvariantCulture);
        }

        if (limits.Integer("statements", 1, int.MaxValue) is { } statements)
        {
            if (tier != "js") throw limits.Invalid("statements", $"is the JavaScript tier's statement budget; this call runs on the {tier} tier (use time or cpu)");
            values[JavaScriptTier.StatementsOption] = statements.ToString(CultureInfo.InvariantCulture);
        }

        return values.Count == 0 ? TierSettings.None : new TierSettings(values.ToImmutable());
    }

    public static SandboxPolicyBuilder Apply(ToolArguments? limits, SandboxPolicy ceiling, SandboxPolicyBuilder builder)
    {
        if (limits is null) return builder;
        ResourceLimits c = ceiling.Limits;
        if (Duration(limits, "time", c.WallTime) is { } time) builder.WithWallTime(time);
        if (Duration(limits, "cpu", c.CpuTime) is { } cpu) builder.WithCpuTime(cpu);
        if (Bytes(limits, "memory", c.MemoryBytes) is { } memory) builder.WithMemory(memory);
        if (Bytes(limits, "output", c.MaxOutputBytes) is { } output) builder.WithMaxOutput(output);
        if (Bytes(limits, "fsize", c.FileSizeBytes) is { } fsize) builder.WithFileSize(fsize);
        if (limits.Integer("pids", 1, int.MaxValue) is { } pids)
        {
            if (c.MaxProcesses is { } most && pids > most) throw limits.Invalid("pids", $"asks for {pids}; the server's ceiling is {most}");
            builder.WithMaxProcesses((int)pids);
        }

        return builder;
    }

    private static TimeSpan? Duration(ToolArguments limits, string field, TimeSpan? ceiling)
    {
        if (limits.String(field) is not { } text) return null;
        if (!DurationText.TryParse(text, out TimeSpan value, out string problem) || value <= TimeSpan.Zero)
            throw limits.Invalid(field, $"'{text}' is not a positive duration such as \"2s\" or \"500ms\"{(problem.Length > 0 ? $" ({problem})" : "")}");
        if (ceiling is { } most && value > most)
            throw limits.Invalid(field, $"asks for {DurationText.Format(value)}; the server's ceiling is {DurationText.Format(most)} (a call can only lower a limit)");
        return value;
    }

    private static long? Bytes(ToolArguments limits, string field, long? ceiling)
    {
        if (limits.String(field) is not { } text) return null;
        if (!ByteSize.TryParse(text, out long value, out string problem) || value <= 0)
            throw limits.Invalid(field, $"'{text}' is not a positive size such as \"64M\" or \"512K\"{(problem.Length > 0 ? $" ({problem})" : "")}");
        if (ceiling is { } most && value > most)
            throw limits.Invalid(field, $"asks for {ByteSize.Format(value)}; the server's ceiling is {ByteSize.Format(most)} (a call can only lower a limit)");
        return value;
    }
}
