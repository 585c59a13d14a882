using System.Collections.Immutable;
using Compare = global::Interop.Libseccomp.Compare;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>One comparison on one syscall argument, in libseccomp's terms (<c>struct scmp_arg_cmp</c>).</summary>
/// <param name="Argument">Argument index, 0 to 5.</param>
/// <param name="Operation">How the argument is compared.</param>
/// <param name="DatumA">The value compared with, or the mask for <see cref="Compare.MaskedEqual"/>.</param>
/// <param name="DatumB">The expected masked value for <see cref="Compare.MaskedEqual"/>; unused otherwise.</param>
internal readonly record struct ArgumentCondition(uint Argument, Compare Operation, ulong DatumA, ulong DatumB = 0)
{
    /// <summary>
    /// The low 32 bits of the argument equal <paramref name="value"/>. For <c>int</c> and <c>unsigned int</c> parameters the
    /// kernel ignores the high half of the register, so the filter must too: comparing all 64 bits is how CVE-2019-10063
    /// slipped <c>TIOCSTI | 1 &lt;&lt; 32</c> past flatpak's filter.
    /// </summary>
    internal static ArgumentCondition Low32Equals(uint argument, uint value) => new(argument, Compare.MaskedEqual, 0xFFFF_FFFF, value);

    /// <summary>None of <paramref name="bits"/> is set in the argument.</summary>
    internal static ArgumentCondition BitsClear(uint argument, ulong bits) => new(argument, Compare.MaskedEqual, bits, 0);

    /// <summary>All 64 bits of the argument equal <paramref name="value"/> (for pointers and <c>long</c>s).</summary>
    internal static ArgumentCondition Equals64(uint argument, ulong value) => new(argument, Compare.Equal, value);

    /// <inheritdoc />
    public override string ToString() => Operation == Compare.MaskedEqual
        ? $"(arg{Argument} & 0x{DatumA:x}) == 0x{DatumB:x}"
        : $"arg{Argument} {Operation} 0x{DatumA:x}";
}

/// <summary>What a rule does with the calls it matches.</summary>
internal enum SyscallRuleAction
{
    /// <summary>The call goes to the kernel.</summary>
    Allow,

    /// <summary>The call fails at once with <see cref="SyscallRule.Errno"/>; not a violation.</summary>
    Errno,
}

/// <summary>The filter's decision for one syscall name; everything without a rule gets the filter's refused action.</summary>
/// <param name="Name">The x86-64 syscall name.</param>
/// <param name="Action">What matching calls do.</param>
/// <param name="Errno">For <see cref="SyscallRuleAction.Errno"/>: the errno returned.</param>
/// <param name="WhenAny">
/// Empty: every call matches. Otherwise a call matches when all conditions of at least one entry hold; the others are refused.
/// </param>
internal sealed record SyscallRule(string Name, SyscallRuleAction Action, int Errno, ImmutableArray<ImmutableArray<ArgumentCondition>> WhenAny)
{
    /// <summary>Whether the rule matches every call of <see cref="Name"/>.</summary>
    internal bool IsUnconditional => WhenAny.IsDefaultOrEmpty;
}
