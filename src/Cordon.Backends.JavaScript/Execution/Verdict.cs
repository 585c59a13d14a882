using Cordon.Execution;

namespace Cordon.Backends.JavaScript;

/// <summary>How a run ended, before it becomes a <see cref="SandboxResult"/>.</summary>
internal readonly record struct Verdict(SandboxOutcome Outcome, int? ExitCode, JavaScriptLimit? Limit, string? ErrorName, string? Detail)
{
    internal static Verdict Exited(int code, string? errorName = null, string? detail = null) => new(SandboxOutcome.Exited, code, null, errorName, detail);
}
