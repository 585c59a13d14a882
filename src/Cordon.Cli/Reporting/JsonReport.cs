using System.Text;
using System.Text.Json;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Cli.Reporting;

/// <summary>Writes one run as one JSON document (schema in docs/json-schema.md). Valid JSON for any guest bytes.</summary>
internal static class JsonReport
{
    public static void Write(Stream output, SandboxResult result, string tier, long? fuelConsumed = null, string? trapCode = null,
        Commands.JavaScriptFacts? javaScript = null)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tier", tier);
        json.WriteString("outcome", OutcomeName(result.Outcome));
        WriteNullable(json, "exitCode", result.ExitCode);
        WriteNullable(json, "signal", result.Signal);
        json.WriteNumber("wallTimeMs", Math.Round(result.WallTime.TotalMilliseconds, 1));
        json.WriteNumber("cpuTimeMs", Math.Round(result.Usage.TotalCpuTime.TotalMilliseconds, 1));
        json.WriteNumber("cpuUserMs", Math.Round(result.Usage.UserCpuTime.TotalMilliseconds, 1));
        json.WriteNumber("cpuSystemMs", Math.Round(result.Usage.SystemCpuTime.TotalMilliseconds, 1));
        WriteNullable(json, "peakMemoryBytes", result.Usage.PeakMemoryBytes);
        json.WriteBoolean("oomKilled", result.Usage.OomKilled);
        WriteNullable(json, "peakProcesses", result.Usage.PeakProcesses);
        json.WriteBoolean("processLimitHit", result.Usage.ProcessLimitHit);
        WriteStream(json, "stdout", result.StandardOutput);
        WriteStream(json, "stderr", result.StandardError);
        json.WriteStartArray("violations");
        foreach (SyscallViolation v in result.Violations)
        {
            json.WriteStartObject();
            json.WriteString("syscall", v.Syscall);
            json.WriteNumber("number", v.Number);
            json.WriteNumber("count", v.Count);
            json.WriteString("action", v.Action);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("warnings");
        foreach (string warning in result.Warnings) json.WriteStringValue(warning);
        json.WriteEndArray();
        if (result.Detail is null) json.WriteNull("detail");
        else json.WriteString("detail", result.Detail);
        WriteLimits(json, result.Limits);
        if (tier == "wasm")
        {
            WriteNullable(json, "fuelConsumed", fuelConsumed);
            if (trapCode is null) json.WriteNull("trapCode");
            else json.WriteString("trapCode", trapCode);
        }

        if (tier == "js")
        {
            WriteText(json, "jsLimit", javaScript?.Limit);
            WriteText(json, "jsError", javaScript?.ErrorName);
            json.WriteStartArray("denials");
            foreach (string denial in javaScript?.Denials ?? []) json.WriteStringValue(denial);
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    public static void WriteSetupError(Stream output, string message, string tier)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tier", tier);
        json.WriteString("outcome", "setup_error");
        json.WriteNull("exitCode");
        json.WriteNull("signal");
        json.WriteNumber("wallTimeMs", 0);
        json.WriteString("stdout", "");
        json.WriteString("stderr", "");
        json.WriteBoolean("stdoutTruncated", false);
        json.WriteBoolean("stderrTruncated", false);
        json.WriteStartArray("violations");
        json.WriteEndArray();
        json.WriteStartArray("warnings");
        json.WriteEndArray();
        json.WriteString("detail", message);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>snake_case of the outcome, e.g. <c>wall_time_exceeded</c>.</summary>
    public static string OutcomeName(SandboxOutcome outcome)
    {
        string name = outcome.ToString();
        var snake = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) snake.Append('_');
            snake.Append(char.ToLowerInvariant(name[i]));
        }

        return snake.ToString();
    }

    private static void WriteStream(Utf8JsonWriter json, string name, CapturedOutput output)
    {
        ReadOnlySpan<byte> bytes = output.Bytes.Span;
        bool valid = UntrustedText.IsValidUtf8(bytes);

        // Valid UTF-8 is carried as a JSON string (the writer escapes controls); otherwise the string has U+FFFD
        // replacements and the exact bytes follow in <name>Base64.
        json.WriteString(name, Encoding.UTF8.GetString(bytes));
        if (!valid) json.WriteBase64String(name + "Base64", bytes);
        json.WriteNumber(name + "Bytes", output.TotalBytes);
        json.WriteBoolean(name + "Truncated", output.Truncated);
    }

    private static void WriteLimits(Utf8JsonWriter json, ResourceLimits limits)
    {
        json.WriteStartObject("limits");
        WriteText(json, "time", limits.WallTime is { } w ? DurationText.Format(w) : null);
        WriteText(json, "cpu", limits.CpuTime is { } c ? DurationText.Format(c) : null);
        WriteNullable(json, "memoryBytes", limits.MemoryBytes);
        WriteNullable(json, "pids", limits.MaxProcesses);
        WriteNullable(json, "outputBytes", limits.MaxOutputBytes);
        json.WriteString("outputAction", limits.OutputAction == OutputAction.Kill ? "kill" : "truncate");
        WriteNullable(json, "fileSizeBytes", limits.FileSizeBytes);
        WriteNullable(json, "tmpSizeBytes", limits.TmpfsSizeBytes);
        WriteNullable(json, "diskBytes", limits.DiskBytes);
        WriteNullable(json, "diskInodes", limits.DiskInodes);
        WriteNullable(json, "openFiles", limits.OpenFiles);
        WriteNullable(json, "stackBytes", limits.StackBytes);
        json.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }
}
