using System.Collections.Immutable;

namespace Cordon.Tiers;

/// <summary>
/// A command-line option only one tier takes (<c>--fuel</c> for wasm). The CLI's parser, help and completions read
/// these from the registry, so a new tier brings its options without an edit to the CLI.
/// </summary>
/// <param name="Long">The long name, <c>--fuel</c>.</param>
/// <param name="Value">The value's placeholder (<c>N|none</c>), or null for a flag.</param>
/// <param name="Help">One line of help, without the tier's name (the CLI adds it).</param>
/// <param name="Validate">Checks a value; returns null when it is fine, or what is wrong. Null to accept any value.</param>
/// <param name="Choices">The fixed values it takes, for completions.</param>
public sealed record TierOption(string Long, string? Value, string Help, Func<string, string?>? Validate = null, ImmutableArray<string> Choices = default)
{
    /// <summary>Whether the option takes a value.</summary>
    public bool TakesValue => Value is not null;
}
