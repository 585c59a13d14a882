using Cordon.Execution;

namespace Cordon.Cli.Commands;

/// <summary>One tier's result plus the tier-specific facts the JSON report carries.</summary>
internal sealed record TierOutcome(SandboxResult Result, string Tier, long? FuelConsumed = null, string? TrapCode = null);
