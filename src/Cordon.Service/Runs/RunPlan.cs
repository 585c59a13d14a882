using System.Collections.Immutable;
using Cordon.Service.Runtimes;

namespace Cordon.Service.Runs;

/// <summary>A validated request: everything is in bounds, nothing has started yet.</summary>
/// <param name="Runtime">The runtime, or null for a bare command.</param>
/// <param name="Tier">The tier it runs on: the runtime's, or for a bare command or a process-tier runtime any tier that runs host programs (process, gvisor).</param>
/// <param name="Files">The files to write into the work directory (relative, normalised paths).</param>
/// <param name="Entry">The entry file's relative path (empty for a bare command).</param>
/// <param name="Arguments">The guest's arguments (a bare command: the whole argv).</param>
/// <param name="Stdin">Bytes for the guest's stdin, or null.</param>
/// <param name="Run">The run's budget.</param>
/// <param name="Compile">The compile step's budget (compiled runtimes only).</param>
/// <param name="Network">The destinations the run step may reach (the compile step never reaches any).</param>
internal sealed record RunPlan(
    ServiceRuntime? Runtime,
    string Tier,
    ImmutableArray<PlannedFile> Files,
    string Entry,
    ImmutableArray<string> Arguments,
    ReadOnlyMemory<byte>? Stdin,
    RunBudget Run,
    RunBudget? Compile,
    ImmutableArray<Policy.NetworkDestination>? Network = null)
{
    /// <summary>The name the run is listed under.</summary>
    public string RuntimeName => Runtime?.Name ?? "command";
}

/// <summary>One file of a plan.</summary>
internal sealed record PlannedFile(string Path, byte[] Content);

/// <summary>The limits one sandboxed step gets.</summary>
internal sealed record RunBudget(TimeSpan WallTime, TimeSpan CpuTime, long MemoryBytes, int? Processes, long OutputBytes);
