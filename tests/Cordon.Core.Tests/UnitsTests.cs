using Cordon.Units;

namespace Cordon.Core.Tests;

public class UnitsTests
{
    [Theory]
    [InlineData("512K", 512 * 1024L)]
    [InlineData("64M", 64 * 1024L * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1.5K", 1536L)]
    [InlineData("64MiB", 64 * 1024L * 1024)]
    [InlineData("100", 100L)]
    public void Sizes_parse_with_binary_units(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes, out string error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("10x")]
    [InlineData("0")]
    [InlineData("-5M")]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("99999999999T")]
    public void Malformed_zero_negative_and_absurd_sizes_are_refused_with_a_reason(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _, out string error));
        Assert.Contains(text.Length == 0 ? "''" : $"'{text}'", error);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("3", 3000)]
    public void Durations_parse(string text, double expectedMs)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan d, out string error), error);
        Assert.Equal(expectedMs, d.TotalMilliseconds);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("1000h")]
    public void Bad_durations_are_refused(string text)
        => Assert.False(DurationText.TryParse(text, out _, out _));

    [Fact]
    public void Formatting_round_trips()
    {
        foreach (long b in new[] { 1L, 1024, 64 * ByteSize.MiB, 3 * ByteSize.GiB + 1 })
        {
            Assert.True(ByteSize.TryParse(ByteSize.Format(b), out long back, out _));
            Assert.Equal(b, back);
        }

        foreach (TimeSpan t in new[] { TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2) })
        {
            Assert.True(DurationText.TryParse(DurationText.Format(t), out TimeSpan back, out _));
            Assert.Equal(t, back);
        }
    }
}
