using System.Collections.Immutable;
using Cordon.Execution;

namespace Cordon.Backends.JavaScript;

/// <summary>A JavaScript run's result plus what only this tier knows.</summary>
/// <param name="Result">The tier-independent result.</param>
/// <param name="Limit">The limit that ended the run, or null when none did.</param>
/// <param name="ErrorName">The name of the uncaught error (<c>TypeError</c>, <c>SyntaxError</c>...) when the script threw one.</param>
/// <param name="Denials">
/// Doors the script tried and found closed, in order, at most <see cref="JavaScriptSandboxBackend.MaxDenials"/>: a global
/// that is not defined (<c>require</c>, <c>fetch</c>...), a module import, a file outside the grants. Each entry names
/// the door and why it is closed; script-chosen parts are sanitized.
/// </param>
public sealed record JavaScriptRunResult(SandboxResult Result, JavaScriptLimit? Limit, string? ErrorName, ImmutableArray<string> Denials);
