using Cordon.Contracts;

namespace Cordon.Service.Runs;

/// <summary>
/// <c>GET /v1/runs/{id}</c> and <c>?wait=true</c>: the run's state and its result documents (<c>cordon.result/1</c>,
/// the library's one result format): <see cref="Compile"/> for a compiled runtime, <see cref="Run"/> once it ran.
/// </summary>
internal sealed record RunView(string Id, string State, string Runtime, string Tier, RunDocument? Compile, RunDocument? Run)
{
    public static RunView Of(RunJob job) => new(job.Id, job.State, job.Plan.RuntimeName, job.Plan.Tier, job.Compile, job.Run);
}

/// <summary>The 202 answer to a run that was queued.</summary>
internal sealed record RunAccepted(string Id, string State, string Events, string Result);

/// <summary>An SSE <c>output</c> frame: a chunk of guest output (text, and base64 when the bytes are not UTF-8).</summary>
internal sealed record OutputFrame(string Phase, string Stream, string Text, string? Base64);

/// <summary>
/// An SSE <c>violation</c> frame. <c>kind</c> is <c>syscall</c> or <c>network</c>; a network one also names the destination
/// and why (as the result document's <c>kind: network</c> violations), with <c>syscall</c> the refused call or <c>dns</c>.
/// </summary>
internal sealed record ViolationFrame(string Phase, string Syscall, int Number, string Action, string Kind = "syscall",
    string? Address = null, int? Port = null, string? Protocol = null, string? Reason = null, string? Host = null, string? Via = null);

/// <summary>An SSE <c>limit</c> frame.</summary>
internal sealed record LimitFrame(string Phase, string Limit, string Detail);

/// <summary>An SSE <c>started</c> frame.</summary>
internal sealed record StartedFrame(string Phase, string Tier);

/// <summary>An SSE <c>finished</c> frame: one step's result document.</summary>
internal sealed record FinishedFrame(string Phase, RunDocument Document);
