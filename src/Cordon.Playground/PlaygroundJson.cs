using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cordon.Playground;

/// <summary>What the page posts to <c>/api/run</c>.</summary>
/// <param name="Tier">js, wasm (the source is WebAssembly text) or process (the source is a /bin/sh script).</param>
/// <param name="Source">The code to run.</param>
/// <param name="Time">Wall-time limit, e.g. <c>2s</c> (optional).</param>
/// <param name="Memory">Memory limit, e.g. <c>64M</c> (optional).</param>
/// <param name="Statements">JavaScript statement budget (optional).</param>
/// <param name="Arguments">Arguments handed to the guest (optional).</param>
internal sealed record RunRequest(string Tier, string Source, string? Time = null, string? Memory = null, int? Statements = null,
    ImmutableArray<string>? Arguments = null);

/// <summary>One chunk of live output (an SSE <c>output</c> event).</summary>
internal sealed record OutputEvent(string Stream, string Text);

/// <summary>The end of a run (an SSE <c>result</c> event).</summary>
internal sealed record ResultEvent(string Tier, string Outcome, int? ExitCode, string? Detail, string? Limit, string? ErrorName,
    ImmutableArray<string> Denials, ImmutableArray<string> Warnings, double WallTimeMs, long StdoutBytes, long StderrBytes,
    bool StdoutTruncated, bool StderrTruncated, string Stdout, string Stderr, AuditView Audit);

/// <summary>A setup problem (an SSE <c>error</c> event, or the body of a 400).</summary>
internal sealed record ErrorEvent(string Error);

/// <summary>The audit of the policy a run used, as the page shows it.</summary>
internal sealed record AuditView(double Score, string Rating, ImmutableArray<AuditDimensionView> Dimensions, string Policy);

internal sealed record AuditDimensionView(string Name, double Exposure, ImmutableArray<AuditFindingView> Findings);

internal sealed record AuditFindingView(string Severity, string Title, string? Fix);

/// <summary>What the page asks first: which tiers this host has.</summary>
internal sealed record TiersView(ImmutableArray<TierView> Tiers);

internal sealed record TierView(string Name, bool Available, string Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(OutputEvent))]
[JsonSerializable(typeof(ResultEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(TiersView))]
internal sealed partial class PlaygroundJson : JsonSerializerContext;
