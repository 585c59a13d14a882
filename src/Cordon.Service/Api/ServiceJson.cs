using System.Text.Json.Serialization;
using Cordon.Service.Runs;

namespace Cordon.Service.Api;

/// <summary>
/// The native API's JSON (source-generated, NativeAOT-clean). Reading is strict, so a misspelt member is a 400 that
/// names it rather than a setting silently ignored. Result documents keep the library's own member names.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(RunAccepted))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(OutputFrame))]
[JsonSerializable(typeof(ViolationFrame))]
[JsonSerializable(typeof(LimitFrame))]
[JsonSerializable(typeof(StartedFrame))]
[JsonSerializable(typeof(FinishedFrame))]
[JsonSerializable(typeof(RuntimeInfo[]))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(Distributed.QueuedRun))]
[JsonSerializable(typeof(Distributed.WorkerAdvert))]
[JsonSerializable(typeof(Distributed.RetryFrame))]
internal sealed partial class ServiceJson : JsonSerializerContext;

/// <summary>One entry of <c>GET /v1/runtimes</c>.</summary>
internal sealed record RuntimeInfo(string Name, string Version, string Tier, string[] Tiers, string? Profile, bool Compiled, string Entry, string[] Aliases);

/// <summary><c>GET /v1/health</c>: each tier's availability check, the queue, and whether the service can run anything.</summary>
/// <param name="Workers">With a NATS queue: the workers advertising themselves now (null with the embedded queue).</param>
internal sealed record HealthReport(string Status, TierHealth[] Tiers, int Running, int Queued, int Concurrency, int QueueCapacity, int? Workers = null);

/// <summary>One tier's availability.</summary>
internal sealed record TierHealth(string Name, string Status, string Detail, string? Fix);
