using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Cordon.Contracts;

/// <summary>
/// One run as a document: the wire form of <see cref="Execution.SandboxResult"/> shared by <c>cordon run --json</c>, the
/// <c>--contain</c> status channel, <c>cordon selftest --json</c>, the HTTP service and the MCP server. Versioned by
/// <see cref="Schema"/>; new tiers add a typed details object and nothing else. Built with <see cref="RunDocuments"/>.
/// </summary>
public sealed record RunDocument(
    string Schema,
    string RunId,
    string Tier,
    string Outcome,
    string Reason,
    int? ExitCode,
    int? Signal,
    double WallTimeMs,
    double CpuTimeMs,
    double CpuUserMs,
    double CpuSystemMs,
    long? PeakMemoryBytes,
    bool OomKilled,
    int? PeakProcesses,
    bool ProcessLimitHit,
    string Stdout,
    long StdoutBytes,
    bool StdoutTruncated,
    string Stderr,
    long StderrBytes,
    bool StderrTruncated,
    ImmutableArray<ViolationDocument> Violations,
    ImmutableArray<string> Warnings,
    string? Detail,
    LimitsDocument Limits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StdoutBase64 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StderrBase64 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WasmDocument? Wasm = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JavaScriptDocument? Js = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GvisorDocument? Gvisor = null);

/// <summary>
/// A refused action. <c>kind</c> says which fields apply: <c>syscall</c> (<c>syscall</c>, <c>number</c>) or <c>network</c>
/// (<c>address</c>, <c>port</c>, <c>protocol</c>, <c>reason</c>, and <c>host</c> and <c>via</c> when known); <c>path</c> later.
/// </summary>
public sealed record ViolationDocument(
    string Kind,
    long Count,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Syscall = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Number = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Port = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Protocol = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Host = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Via = null);

/// <summary>The budget in force; null means unlimited. Durations as text (<c>10s</c>), sizes in bytes.</summary>
public sealed record LimitsDocument(
    string? Time,
    string? Cpu,
    long? MemoryBytes,
    long? Pids,
    long? OutputBytes,
    string OutputAction,
    long? FileSizeBytes,
    long? TmpSizeBytes,
    long? DiskBytes,
    long? DiskInodes,
    long? OpenFiles,
    long? StackBytes);

/// <summary>The WebAssembly tier's details.</summary>
public sealed record WasmDocument(long? FuelConsumed, string? TrapCode, bool OutOfFuel);

/// <summary>The JavaScript tier's details.</summary>
public sealed record JavaScriptDocument(string? Limit, string? Error, ImmutableArray<string> Denials);

/// <summary>The gVisor tier's details.</summary>
public sealed record GvisorDocument(string Platform, ImmutableArray<string> UnsupportedSyscalls, string Refusals);
