using System.Collections.Immutable;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>The rules of one filter, one per syscall name, merged so that libseccomp never sees two rules for one syscall.</summary>
/// <remarks>
/// libseccomp silently drops a conditional rule added after an unconditional one for the same syscall (and the reverse
/// turns the conditional one unconditional), so overlapping rules are merged here, where the result is explicit:
/// an unconditional allow absorbs conditional ones, and conditional allows are OR-ed.
/// </remarks>
internal sealed class SeccompRuleSet
{
    private readonly SortedDictionary<string, SyscallRule> _rules = new(StringComparer.Ordinal);

    /// <summary>The rules, sorted by name.</summary>
    internal IReadOnlyCollection<SyscallRule> Rules => _rules.Values;

    /// <summary>The rule for <paramref name="name"/>, or null when calls to it are refused.</summary>
    internal SyscallRule? Find(string name) => _rules.GetValueOrDefault(name);

    /// <summary>Allows <paramref name="name"/>, always (<paramref name="whenAny"/> empty) or when one alternative holds.</summary>
    internal void Allow(string name, ImmutableArray<ImmutableArray<ArgumentCondition>> whenAny = default)
    {
        whenAny = whenAny.IsDefault ? [] : whenAny;
        if (!_rules.TryGetValue(name, out SyscallRule? existing))
        {
            _rules[name] = new SyscallRule(name, SyscallRuleAction.Allow, 0, whenAny);
            return;
        }

        if (existing.Action != SyscallRuleAction.Allow)
        {
            throw new InvalidOperationException($"seccomp rules: '{name}' is already answered with errno {existing.Errno}; it cannot also be allowed");
        }

        if (existing.IsUnconditional)
        {
            return;
        }

        _rules[name] = whenAny.IsEmpty
            ? existing with { WhenAny = [] }
            : existing with { WhenAny = [.. existing.WhenAny.Concat(whenAny).Distinct(AlternativeComparer.Instance)] };
    }

    /// <summary>Drops the rule for <paramref name="name"/>, so its calls are refused (notified) again.</summary>
    internal void Remove(string name) => _rules.Remove(name);

    /// <summary>Makes every call to <paramref name="name"/> fail with <paramref name="errno"/>, replacing any allow rule.</summary>
    internal void FailWith(string name, int errno) => _rules[name] = new SyscallRule(name, SyscallRuleAction.Errno, errno, []);

    private sealed class AlternativeComparer : IEqualityComparer<ImmutableArray<ArgumentCondition>>
    {
        internal static readonly AlternativeComparer Instance = new();

        public bool Equals(ImmutableArray<ArgumentCondition> x, ImmutableArray<ArgumentCondition> y) => x.SequenceEqual(y);

        public int GetHashCode(ImmutableArray<ArgumentCondition> obj)
        {
            HashCode hash = default;
            foreach (ArgumentCondition condition in obj) hash.Add(condition);
            return hash.ToHashCode();
        }
    }
}
