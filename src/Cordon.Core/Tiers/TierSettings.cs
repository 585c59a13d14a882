using System.Collections.Immutable;

namespace Cordon.Tiers;

/// <summary>The values of a tier's own options for one run (<c>--fuel 1000</c> → <c>{"--fuel": "1000"}</c>; a flag's value is empty).</summary>
public sealed record TierSettings(ImmutableSortedDictionary<string, string> Values)
{
    /// <summary>No options given.</summary>
    public static TierSettings None { get; } = new(ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The value of <paramref name="option"/>, or null when it was not given.</summary>
    public string? this[string option] => Values.GetValueOrDefault(option);
}
