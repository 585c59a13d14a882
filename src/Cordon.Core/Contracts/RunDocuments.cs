using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Contracts;

/// <summary>Builds, writes and reads <see cref="RunDocument"/>s: the one JSON form of a run, for every tier and surface.</summary>
public static class RunDocuments
{
    /// <summary>The schema this library writes and reads.</summary>
    public const string Schema = "cordon.result/1";

    /// <summary>The document of <paramref name="result"/>.</summary>
    public static RunDocument From(SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        (string stdout, string? stdoutBase64) = Text(result.StandardOutput);
        (string stderr, string? stderrBase64) = Text(result.StandardError);
        ResourceUsage u = result.Usage;
        return new RunDocument(Schema, result.RunId, result.Tier, WireNames.Outcome(result.Outcome), ReasonCode.For(result),
            result.ExitCode, result.Signal, Ms(result.WallTime), Ms(u.TotalCpuTime), Ms(u.UserCpuTime), Ms(u.SystemCpuTime),
            u.PeakMemoryBytes, u.OomKilled, u.PeakProcesses, u.ProcessLimitHit,
            stdout, result.StandardOutput.TotalBytes, result.StandardOutput.Truncated,
            stderr, result.StandardError.TotalBytes, result.StandardError.Truncated,
            [.. result.Violations.Select(v => new ViolationDocument("syscall", v.Count, v.Action, v.Syscall, v.Number)),
                .. (result.NetworkViolations.IsDefault ? [] : result.NetworkViolations).Select(v =>
                    new ViolationDocument("network", v.Count, "errno", Address: v.Address.Length == 0 ? null : v.Address, Port: v.Port, Protocol: v.Protocol, Reason: v.Reason, Host: v.Host, Via: v.Via))],
            result.Warnings.IsDefault ? [] : result.Warnings, result.Detail, Limits(result.Limits),
            stdoutBase64, stderrBase64,
            result.Details is WasmDetails w ? new WasmDocument(w.FuelConsumed, w.TrapCode, w.OutOfFuel) : null,
            result.Details is JavaScriptDetails j ? new JavaScriptDocument(j.Limit, j.Error, j.Denials.IsDefault ? [] : j.Denials) : null,
            result.Details is GvisorDetails g ? new GvisorDocument(g.Platform, g.UnsupportedSyscalls.IsDefault ? [] : g.UnsupportedSyscalls, g.Refusals) : null);
    }

    /// <summary>
    /// The document of a run that never started (bad input, a host that cannot set the sandbox up): the same shape as
    /// every other, outcome <c>setup_error</c>, zero usage, empty outputs, and the limits that would have applied.
    /// </summary>
    public static RunDocument SetupError(string tier, string message, ResourceLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tier);
        var result = new SandboxResult(SandboxOutcome.SetupError, null, null, TimeSpan.Zero, ResourceUsage.None,
            CapturedOutput.Empty, CapturedOutput.Empty, [], [], limits ?? ResourceLimits.Default, message) { Tier = tier };
        return From(result);
    }

    /// <summary>Writes <paramref name="document"/> as indented JSON and a newline. Every guest string is escaped by the serializer.</summary>
    public static void Write(Stream output, RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(output);
        JsonSerializer.Serialize(output, document, RunDocumentJsonContext.Default.RunDocument);
        output.Write("\n"u8);
        output.Flush();
    }

    /// <summary>The document as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(RunDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, RunDocumentJsonContext.Default.RunDocument);

    /// <summary>Parses a document strictly; false (with the reason) for anything that is not a valid document of <see cref="Schema"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out RunDocument? document, out string problem)
    {
        try
        {
            document = JsonSerializer.Deserialize(json, RunDocumentJsonContext.Default.RunDocument);
            if (document is null) problem = "the document is null";
            else if (document.Schema != Schema) problem = $"schema '{document.Schema}' is not {Schema}";
            else if (!WireNames.TryParseOutcome(document.Outcome, out _)) problem = $"unknown outcome '{document.Outcome}'";
            else return Ok(out problem);
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }

        document = null;
        return false;
    }

    /// <summary>
    /// The result a document describes (for a caller that receives documents: <c>--contain</c>, a service client).
    /// Usage, outputs and details come from the document as they are; the caller decides how much of it to trust.
    /// </summary>
    public static SandboxResult ToResult(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _ = WireNames.TryParseOutcome(document.Outcome, out SandboxOutcome outcome);
        var usage = new ResourceUsage(FromMs(document.CpuUserMs), FromMs(document.CpuSystemMs), document.PeakMemoryBytes,
            document.OomKilled, document.PeakProcesses, document.ProcessLimitHit);
        TierDetails? details = document.Wasm is { } w ? new WasmDetails(w.FuelConsumed, w.TrapCode, w.OutOfFuel)
            : document.Js is { } j ? new JavaScriptDetails(j.Limit, j.Error, j.Denials)
            : document.Gvisor is { } g ? new GvisorDetails(g.Platform, g.UnsupportedSyscalls, g.Refusals) : null;
        return new SandboxResult(outcome, document.ExitCode, document.Signal, FromMs(document.WallTimeMs), usage,
            Output(document.Stdout, document.StdoutBase64, document.StdoutBytes, document.StdoutTruncated),
            Output(document.Stderr, document.StderrBase64, document.StderrBytes, document.StderrTruncated),
            [.. document.Violations.Where(v => v.Kind == "syscall").Select(v => new SyscallViolation(v.Syscall ?? "unknown", v.Number ?? -1, v.Count, v.Action))],
            document.Warnings, FromDocument(document.Limits), document.Detail)
        {
            Tier = document.Tier, RunId = document.RunId, Details = details,
            NetworkViolations = [.. document.Violations.Where(v => v.Kind == "network")
                .Select(v => new NetworkViolation(v.Address ?? (v.Host is null ? "unknown" : ""), v.Port ?? 0, v.Protocol ?? "tcp", v.Reason ?? "not allowed", v.Count) { Host = v.Host, Via = v.Via })],
        };
    }

    /// <summary>The document form of a budget.</summary>
    public static LimitsDocument Limits(ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new LimitsDocument(limits.WallTime is { } w ? DurationText.Format(w) : null, limits.CpuTime is { } c ? DurationText.Format(c) : null,
            limits.MemoryBytes, limits.MaxProcesses, limits.MaxOutputBytes, WireNames.Output(limits.OutputAction), limits.FileSizeBytes,
            limits.TmpfsSizeBytes, limits.DiskBytes, limits.DiskInodes, limits.OpenFiles, limits.StackBytes);
    }

    private static ResourceLimits FromDocument(LimitsDocument l) => new(Duration(l.Time), Duration(l.Cpu), l.MemoryBytes,
        l.Pids is { } p ? (int)Math.Clamp(p, 0, int.MaxValue) : null, l.OutputBytes, l.OutputAction == "kill" ? OutputAction.Kill : OutputAction.Truncate,
        l.FileSizeBytes, l.TmpSizeBytes, l.OpenFiles is { } f ? (int)Math.Clamp(f, 0, int.MaxValue) : null, l.StackBytes, l.DiskBytes, l.DiskInodes);

    private static TimeSpan? Duration(string? text) => text is not null && DurationText.TryParse(text, out TimeSpan d, out _) ? d : null;

    /// <summary>Valid UTF-8 travels as a string (the serializer escapes controls); otherwise the string has U+FFFD replacements and the exact bytes follow as base64.</summary>
    private static (string Text, string? Base64) Text(CapturedOutput output)
    {
        ReadOnlySpan<byte> bytes = output.Bytes.Span;
        return (Encoding.UTF8.GetString(bytes), System.Text.Unicode.Utf8.IsValid(bytes) ? null : Convert.ToBase64String(bytes));
    }

    private static CapturedOutput Output(string text, string? base64, long total, bool truncated)
    {
        byte[] bytes = base64 is not null ? Convert.FromBase64String(base64) : Encoding.UTF8.GetBytes(text);
        return new CapturedOutput(bytes, Math.Max(total, bytes.Length), truncated);
    }

    private static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 1);

    private static TimeSpan FromMs(double ms) => double.IsFinite(ms) && ms >= 0 ? TimeSpan.FromMilliseconds(Math.Min(ms, TimeSpan.MaxValue.TotalMilliseconds / 2)) : TimeSpan.Zero;

    private static bool Ok(out string problem)
    {
        problem = "";
        return true;
    }
}
