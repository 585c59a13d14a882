using System.Text;
using Cordon.Backends.Process.Supervision;

namespace Cordon.Backends.Process.Tests.Supervision;

public class LauncherStatusAndOutputTests
{
    [Fact]
    public void Status_lines_parse_across_chunk_boundaries()
    {
        var status = new LauncherStatus();
        status.Feed("W landlock-unav"u8);
        status.Feed("ailable\nX\nS sig"u8);
        status.Feed("nal 9 core\n"u8);
        Assert.True(status.GuestStarted);
        Assert.Equal(9, status.Signal);
        Assert.True(status.CoreDumped);
        Assert.Equal(["landlock-unavailable"], status.Warnings);
    }

    [Fact]
    public void Failures_and_exec_errors_are_recognised_and_junk_ignored()
    {
        var status = new LauncherStatus();
        status.Feed("garbage line\nF cgroup-join 13\nE 2\nS exit 127\n"u8);
        Assert.Equal(("cgroup-join", 13), status.Failure);
        Assert.Equal(2, status.ExecErrno);
        Assert.Equal(127, status.ExitCode);
    }

    [Fact]
    public void Output_buffer_keeps_the_cap_counts_everything_and_returns_only_kept_bytes()
    {
        var buffer = new OutputBuffer(10);
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer.Append("hello"u8)));
        Assert.Equal("world", Encoding.ASCII.GetString(buffer.Append("world!!!"u8)));
        Assert.True(buffer.Append("more"u8).IsEmpty);
        var captured = buffer.ToCapturedOutput();
        Assert.Equal("helloworld", Encoding.ASCII.GetString(captured.Bytes.Span));
        Assert.Equal(17, captured.TotalBytes);
        Assert.True(captured.Truncated);
    }

    [Fact]
    public void Output_exactly_at_the_cap_is_not_truncated()
    {
        var buffer = new OutputBuffer(4);
        buffer.Append("abcd"u8);
        Assert.False(buffer.ToCapturedOutput().Truncated);
    }
}
