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
}
