using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Cordon.Contracts;

namespace Cordon.Mcp;

/// <summary>What <c>run</c> and <c>session_run</c> return: the run's one document, why each refusal happened, and a reminder that its output is the guest's.</summary>
internal sealed record RunToolResult(
    RunDocument Result,
    ImmutableArray<string> Explanations,
    string Untrusted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId = null);

/// <summary>What <c>session_start</c> returns.</summary>
internal sealed record SessionStarted(string SessionId, string WorkDirectory, long MaxBytes, double IdleTimeoutSeconds);

/// <summary>What <c>session_stop</c> returns.</summary>
internal sealed record SessionStopped(string SessionId, bool Stopped);

/// <summary>What <c>write_file</c> returns.</summary>
internal sealed record FileWritten(string Path, long Bytes, long WorkspaceBytes);

/// <summary>What <c>read_file</c> returns: text when the bytes are valid UTF-8, otherwise base64.</summary>
internal sealed record FileRead(string Path, long Bytes, string Encoding, string Content, bool Truncated, string Untrusted);

/// <summary>One entry of <c>list_files</c>.</summary>
internal sealed record FileEntry(string Path, string Type, long Bytes);

/// <summary>What <c>list_files</c> returns.</summary>
internal sealed record FileList(ImmutableArray<FileEntry> Files, long WorkspaceBytes, long MaxBytes, bool Truncated);

/// <summary>One finding of <c>audit_policy</c>.</summary>
internal sealed record AuditFindingResult(string Id, string Severity, string Key, string Title, string Why, string? Fix);

/// <summary>One dimension of <c>audit_policy</c>.</summary>
internal sealed record AuditDimensionResult(string Name, double Exposure, ImmutableArray<AuditFindingResult> Findings);

/// <summary>What <c>audit_policy</c> returns: the <c>cordon audit</c> score, rating and findings, or the policy's errors.</summary>
internal sealed record AuditResult(
    bool Valid,
    double? Score,
    string? Rating,
    ImmutableArray<AuditDimensionResult> Dimensions,
    ImmutableArray<string> Errors);

/// <summary>Every type the server writes, serialized without reflection (NativeAOT-clean), in the result document's own style.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(RunToolResult))]
[JsonSerializable(typeof(SessionStarted))]
[JsonSerializable(typeof(SessionStopped))]
[JsonSerializable(typeof(FileWritten))]
[JsonSerializable(typeof(FileRead))]
[JsonSerializable(typeof(FileList))]
[JsonSerializable(typeof(AuditResult))]
internal sealed partial class McpJson : JsonSerializerContext;
