using System.Collections.Immutable;

namespace Cordon.Selftest.Probes;

/// <summary>
/// What a probe's steps may report. A step whose name matches <see cref="Pattern"/> (exact, or a prefix ending in
/// <c>*</c>) is contained when its token is in <see cref="Contained"/>, escaped when it is in <see cref="Escaped"/>
/// (by default <c>OK</c>: the forbidden action worked), and inconclusive otherwise (an unexpected errno means some
/// other layer answered, or the call never reached the point under test).
/// </summary>
internal sealed record StepRule(string Pattern, ImmutableArray<string> Contained, ImmutableArray<string> Escaped, bool Required)
{
    /// <summary>Informational step: every token is accepted.</summary>
    public bool AnyToken { get; init; }

    public bool Matches(string step) => Pattern.EndsWith('*')
        ? step.StartsWith(Pattern[..^1], StringComparison.Ordinal)
        : step == Pattern;
}
