using System.Collections.Immutable;

namespace Cordon.Tiers;

/// <summary>The tiers a surface offers, by name, in registration order (the first is the default).</summary>
public sealed class TierRegistry
{
    private readonly List<ISandboxTier> _tiers = [];

    /// <summary>An empty registry.</summary>
    public TierRegistry()
    {
    }

    /// <summary>A registry of <paramref name="tiers"/>.</summary>
    public TierRegistry(IEnumerable<ISandboxTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        foreach (ISandboxTier tier in tiers) Register(tier);
    }

    /// <summary>The tiers, default first.</summary>
    public ImmutableArray<ISandboxTier> All => [.. _tiers];

    /// <summary>The default tier (the first registered).</summary>
    public ISandboxTier Default => _tiers.Count > 0 ? _tiers[0] : throw new InvalidOperationException("no tier is registered");

    /// <summary>Adds a tier.</summary>
    /// <exception cref="ArgumentException">A tier of that name, or an option of the same name as another tier's with a different meaning, is already registered.</exception>
    public TierRegistry Register(ISandboxTier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        if (Find(tier.Name) is not null) throw new ArgumentException($"a tier named '{tier.Name}' is already registered", nameof(tier));
        foreach (TierOption option in tier.Options)
        {
            TierOption? other = _tiers.SelectMany(t => t.Options).FirstOrDefault(o => o.Long == option.Long);
            if (other is not null && other.TakesValue != option.TakesValue)
                throw new ArgumentException($"option {option.Long} of tier '{tier.Name}' clashes with another tier's", nameof(tier));
        }

        _tiers.Add(tier);
        return this;
    }

    /// <summary>The tier named <paramref name="name"/>, or null.</summary>
    public ISandboxTier? Find(string name) => _tiers.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The tiers that take option <paramref name="longName"/>.</summary>
    public IEnumerable<ISandboxTier> TakingOption(string longName) => _tiers.Where(t => t.Options.Any(o => o.Long == longName));
}
