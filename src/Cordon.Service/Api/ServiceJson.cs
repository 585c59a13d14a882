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
/// <param name="Warm">The warm pools of this process, by runtime (null with none, and on an API node of a NATS queue).</param>
internal sealed record HealthReport(string Status, TierHealth[] Tiers, int Running, int Queued, int Concurrency, int QueueCapacity, int? Workers = null, WarmPoolReport[]? Warm = null);

/// <summary>One warm pool's counts since the process started (<see cref="Backends.Process.Pool.WarmPoolStatistics"/>).</summary>
/// <param name="Runtime">The runtime whose default run the members are built for.</param>
/// <param name="Size">Idle members kept ready at most.</param>
/// <param name="Idle">Members ready now.</param>
/// <param name="Built">Members built so far.</param>
/// <param name="WarmRuns">Runs that took a member.</param>
/// <param name="ColdRuns">Runs of the runtime that went cold (other limits, or no member ready).</param>
/// <param name="BuildFailures">Members that could not be built.</param>
/// <param name="LastBuildFailure">The last build failure's message.</param>
internal sealed record WarmPoolReport(string Runtime, int Size, int Idle, long Built, long WarmRuns, long ColdRuns, long BuildFailures, string? LastBuildFailure)
{
    public static WarmPoolReport Of(string runtime, int size, Backends.Process.Pool.WarmPoolStatistics s)
        => new(runtime, size, s.Idle, s.Built, s.WarmRuns, s.ColdRuns, s.BuildFailures, s.LastBuildFailure);
}

/// <summary>One tier's availability.</summary>
internal sealed record TierHealth(string Name, string Status, string Detail, string? Fix);
