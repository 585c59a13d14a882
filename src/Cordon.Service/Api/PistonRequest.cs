using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Cordon.Service.Api;

/// <summary>
/// Piston's <c>POST /api/v2/execute</c> body, read leniently as real clients send it: unknown members are ignored,
/// numbers may be strings, and a limit of -1 (or none) means the server's default. <c>network_allow</c> is Cordon's own
/// member (as <c>networkAllow</c> of <c>POST /v1/runs</c>, within the server's ceiling); Piston has none.
/// </summary>
internal sealed record PistonRequest(
    string? Language = null,
    string? Version = null,
    ImmutableArray<PistonFile>? Files = null,
    string? Stdin = null,
    ImmutableArray<string>? Args = null,
    long? RunTimeout = null,
    long? CompileTimeout = null,
    long? RunCpuTime = null,
    long? CompileCpuTime = null,
    long? RunMemoryLimit = null,
    long? CompileMemoryLimit = null,
    ImmutableArray<string>? NetworkAllow = null);

/// <summary>One of Piston's files; the first one is the one run.</summary>
internal sealed record PistonFile(string? Name = null, string? Content = null, string? Encoding = null);

/// <summary>Piston's response: the runtime, the run stage and, for compiled languages, the compile stage.</summary>
internal sealed record PistonResponse(string Language, string Version, PistonStage? Run, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PistonStage? Compile);

/// <summary>
/// One stage as Piston reports it (<c>status</c>: RE runtime error, SG signal, TO timeout, OL stdout too long, EL stderr
/// too long, XX internal error; null when the program exited 0), plus Cordon's reason code, outcome and named denials.
/// </summary>
internal sealed record PistonStage(
    string Stdout,
    string Stderr,
    string Output,
    int? Code,
    string? Signal,
    string? Message,
    string? Status,
    long CpuTime,
    long WallTime,
    long? Memory,
    string CordonOutcome,
    string CordonReason,
    ImmutableArray<string> CordonDenials);

/// <summary>One entry of Piston's <c>GET /api/v2/runtimes</c>.</summary>
internal sealed record PistonRuntime(string Language, string Version, ImmutableArray<string> Aliases, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Runtime);

/// <summary>Piston's names and shapes: snake_case, lenient reading.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PistonRequest))]
[JsonSerializable(typeof(PistonResponse))]
[JsonSerializable(typeof(PistonRuntime[]))]
internal sealed partial class PistonJson : JsonSerializerContext;
