using Cordon.Execution;

namespace Cordon.Cli.Commands;

/// <summary>One tier's result plus the tier-specific facts the JSON report carries.</summary>
internal sealed record TierOutcome(SandboxResult Result, string Tier, long? FuelConsumed = null, string? TrapCode = null)
{
    /// <summary>JavaScript tier: the facts only it reports (limit, uncaught error, denials); null for other tiers.</summary>
    public JavaScriptFacts? JavaScript { get; init; }
}

/// <summary>What the JSON report carries for a <c>js</c> run (docs/json-schema.md).</summary>
internal sealed record JavaScriptFacts(string? Limit, string? ErrorName, System.Collections.Immutable.ImmutableArray<string> Denials);
