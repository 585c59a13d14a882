using System.Collections.Immutable;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>Builds argument conditions that libseccomp's operators cannot express directly.</summary>
internal static class ArgumentGuards
{
    /// <summary>The low 32 bits of argument <paramref name="argument"/> are one of <paramref name="values"/>.</summary>
    internal static ImmutableArray<ImmutableArray<ArgumentCondition>> Low32In(uint argument, params ReadOnlySpan<uint> values)
    {
        var alternatives = ImmutableArray.CreateBuilder<ImmutableArray<ArgumentCondition>>(values.Length);
        foreach (uint value in values)
        {
            alternatives.Add([ArgumentCondition.Low32Equals(argument, value)]);
        }

        return alternatives.DrainToImmutable();
    }

    /// <summary>The low 32 bits of argument <paramref name="argument"/> are none of <paramref name="excluded"/>.</summary>
    /// <remarks>
    /// A filter that allows by default cannot add a "refuse when equal" rule: libseccomp refuses a rule whose action is the
    /// default action (-EACCES) and ignores a conditional rule next to an unconditional one. So the complement is written as
    /// allow rules: every 32-bit value outside <paramref name="excluded"/> lies in exactly one aligned block
    /// <c>(arg &amp; mask) == prefix</c> of a binary trie, at most 32 blocks per excluded value (34 for TIOCSTI + TIOCLINUX).
    /// The high 32 bits are masked out, as the kernel ignores them for an <c>unsigned int</c> command.
    /// </remarks>
    internal static ImmutableArray<ImmutableArray<ArgumentCondition>> Low32NotIn(uint argument, params ReadOnlySpan<uint> excluded)
    {
        var alternatives = ImmutableArray.CreateBuilder<ImmutableArray<ArgumentCondition>>();
        Cover(argument, prefix: 0, prefixLength: 0, [.. excluded.ToArray().Distinct()], alternatives);
        return alternatives.DrainToImmutable();
    }

    private static void Cover(uint argument, uint prefix, int prefixLength, uint[] excluded,
        ImmutableArray<ImmutableArray<ArgumentCondition>>.Builder alternatives)
    {
        if (excluded.Length == 0)
        {
            uint mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
            alternatives.Add([new ArgumentCondition(argument, Interop.Libseccomp.Compare.MaskedEqual, mask, prefix & mask)]);
            return;
        }

        if (prefixLength == 32)
        {
            return; // this block is exactly one excluded value
        }

        uint bit = 1u << (31 - prefixLength);
        Cover(argument, prefix, prefixLength + 1, [.. excluded.Where(v => (v & bit) == 0)], alternatives);
        Cover(argument, prefix | bit, prefixLength + 1, [.. excluded.Where(v => (v & bit) != 0)], alternatives);
    }
}
