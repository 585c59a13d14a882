using System.Collections.Immutable;
using Cordon.Backends.Process.Seccomp;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class ArgumentGuardsTests
{
    private const ulong Tiocsti = 0x5412;
    private const ulong Tioclinux = 0x541C;

    [Theory]
    [InlineData(Tiocsti, false)]
    [InlineData(Tioclinux, false)]
    [InlineData(Tiocsti | (1UL << 32), false)]      // CVE-2019-10063: the kernel only sees the low 32 bits
    [InlineData(Tioclinux | 0xFFFF_FFFF_0000_0000, false)]
    [InlineData(0x5401UL /* TCGETS */, true)]
    [InlineData(0x5413UL /* TIOCGWINSZ */, true)]
    [InlineData(0x541BUL /* FIONREAD */, true)]
    [InlineData(0x5411UL, true)]
    [InlineData(0x541DUL, true)]
    [InlineData(0UL, true)]
    [InlineData(0xFFFF_FFFFUL, true)]
    [InlineData(0xC020_660BUL /* FS_IOC_FIEMAP */, true)]
    public void Ioctl_guard_refuses_exactly_the_terminal_injection_commands(ulong command, bool allowed)
        => Assert.Equal(allowed, Matches(ArgumentGuards.Low32NotIn(1, (uint)Tiocsti, (uint)Tioclinux), command));

    [Fact]
    public void The_complement_is_exact_over_many_values_and_compact()
    {
        ImmutableArray<ImmutableArray<ArgumentCondition>> guard = ArgumentGuards.Low32NotIn(1, (uint)Tiocsti, (uint)Tioclinux);
        var random = new Random(1234);

        for (int i = 0; i < 20_000; i++)
        {
            ulong value = i < 256 ? 0x5400UL + (ulong)i : (ulong)random.NextInt64();
            bool excluded = (uint)value is (uint)Tiocsti or (uint)Tioclinux;
            Assert.Equal(!excluded, Matches(guard, value));
        }

        Assert.Equal(34, guard.Length);
    }

    [Fact]
    public void Low32In_matches_the_values_whatever_the_high_bits()
    {
        ImmutableArray<ImmutableArray<ArgumentCondition>> guard = ArgumentGuards.Low32In(0, 1, 10);

        Assert.True(Matches(guard, 1));
        Assert.True(Matches(guard, 10 | (7UL << 40)));
        Assert.False(Matches(guard, 2));
        Assert.False(Matches(guard, 16));
    }

    /// <summary>Evaluates the alternatives on argument value <paramref name="value"/> as the filter would.</summary>
    private static bool Matches(ImmutableArray<ImmutableArray<ArgumentCondition>> alternatives, ulong value)
        => alternatives.Any(conditions => conditions.All(c => c.Operation switch
        {
            Interop.Libseccomp.Compare.MaskedEqual => (value & c.DatumA) == c.DatumB,
            Interop.Libseccomp.Compare.Equal => value == c.DatumA,
            _ => throw new NotSupportedException(c.Operation.ToString()),
        }));
}
