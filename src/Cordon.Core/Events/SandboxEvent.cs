using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Events;

/// <summary>
/// One thing that happened during a run, in order: <see cref="RunStarted"/> first, then output, violations and limit hits
/// as they happen, and <see cref="RunFinished"/> last. Every tier emits the same events; the CLI, <c>--contain</c>,
/// the service and the MCP server consume them.
/// </summary>
/// <param name="RunId">The run this event belongs to.</param>
public abstract record SandboxEvent(string RunId);

/// <summary>The sandbox is set up and the guest is about to start.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Tier">The tier running it.</param>
/// <param name="Limits">The budget in force.</param>
public sealed record RunStarted(string RunId, string Tier, ResourceLimits Limits) : SandboxEvent(RunId);

/// <summary>Guest output, after the cap (untrusted bytes; a copy the consumer owns).</summary>
public sealed record OutputReceived(string RunId, OutputStream Stream, ReadOnlyMemory<byte> Chunk) : SandboxEvent(RunId);

/// <summary>A syscall the policy refused, at the moment the tier saw it (the result's violations carry the totals).</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Syscall">The syscall's name (<c>nr-N</c> when unknown).</param>
/// <param name="Number">Its number.</param>
/// <param name="Action"><c>errno</c> or <c>kill</c>.</param>
public sealed record ViolationObserved(string RunId, string Syscall, int Number, string Action) : SandboxEvent(RunId)
{
    /// <summary>For a network refusal: the destination and why (then <see cref="Syscall"/> is the refused call, or <c>dns</c>, and <see cref="Number"/> -1).</summary>
    public Execution.NetworkViolation? Network { get; init; }
}

/// <summary>A limit fired and the tier is ending the run (or, for output with truncation, dropping bytes).</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Limit">Its wire name (<see cref="Contracts.WireNames.Limit"/>): <c>wall_time</c>, <c>cpu_time</c>, <c>memory</c>, <c>pids</c>, <c>output</c>, <c>disk</c>, <c>fuel</c>, <c>statements</c>...</param>
/// <param name="Detail">A short, trusted explanation.</param>
public sealed record LimitReached(string RunId, string Limit, string Detail) : SandboxEvent(RunId);

/// <summary>The run is over; every guest process is gone. Always the last event.</summary>
public sealed record RunFinished(string RunId, SandboxResult Result) : SandboxEvent(RunId);

/// <summary>Receives a run's events on the tier's own thread: keep it fast, and do not throw.</summary>
public delegate void SandboxEventObserver(SandboxEvent e);
