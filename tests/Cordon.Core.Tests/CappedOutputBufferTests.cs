using Cordon.Execution;
using Cordon.Output;

namespace Cordon.Core.Tests;

public sealed class CappedOutputBufferTests
{
    [Fact]
    public void Bytes_past_the_cap_are_counted_and_dropped()
    {
        var buffer = new CappedOutputBuffer(5);
        Assert.Equal("abc"u8.ToArray(), buffer.Append("abc"u8).ToArray());
        Assert.Equal("de"u8.ToArray(), buffer.Append("defgh"u8).ToArray());
        Assert.True(buffer.Append("ij"u8).IsEmpty);
        buffer.CountDropped(100);

        CapturedOutput captured = buffer.ToCapturedOutput();
        Assert.Equal("abcde"u8.ToArray(), captured.Bytes.ToArray());
        Assert.Equal(110, captured.TotalBytes);
        Assert.True(captured.Truncated);
    }

    [Fact]
    public void Output_that_exactly_fills_the_cap_is_not_truncated()
    {
        var buffer = new CappedOutputBuffer(4);
        buffer.Append("ab"u8);
        buffer.Append("cd"u8);
        CapturedOutput captured = buffer.ToCapturedOutput();
        Assert.Equal(4, captured.TotalBytes);
        Assert.False(captured.Truncated);
    }

    [Fact]
    public void Nothing_written_is_the_empty_capture_and_a_zero_cap_keeps_nothing()
    {
        Assert.Same(CapturedOutput.Empty, new CappedOutputBuffer(null).ToCapturedOutput());
        var none = new CappedOutputBuffer(0);
        Assert.True(none.Append("x"u8).IsEmpty);
        Assert.Equal(1, none.ToCapturedOutput().TotalBytes);
        Assert.True(none.Truncated);
    }

    [Fact]
    public void A_large_write_grows_the_buffer_only_to_the_cap()
    {
        var buffer = new CappedOutputBuffer(10_000);
        byte[] big = new byte[1_000_000];
        Assert.Equal(10_000, buffer.Append(big).Length);
        Assert.Equal(10_000, buffer.ToCapturedOutput().Bytes.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CappedOutputBuffer(-1));
    }
}
