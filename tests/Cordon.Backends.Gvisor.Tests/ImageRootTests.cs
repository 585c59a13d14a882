using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Gvisor.Tests;

/// <summary>An unpacked root (here: a directory made from the static busybox) replaces the host's system directories.</summary>
public sealed class ImageRootTests
{
    private static SandboxPolicy ImagePolicy => new SandboxPolicyBuilder().WithRoot(FilesystemRoot.Image(BusyboxRoot.Path)).Build();

    [Fact]
    public void The_guest_sees_the_images_files_and_not_the_hosts()
    {
        SandboxResult result = Gvisor.Run(ImagePolicy, "/bin/sh", "-c", "cat /etc/os-release; ls /usr 2>&1; ls /bin | wc -l");
        Assert.True(result.Outcome == SandboxOutcome.Exited, $"{result.Outcome} {result.Detail} {result.Stderr()}");
        Assert.Contains("ID=cordon-busybox", result.Stdout());
        Assert.Contains("No such file", result.Stdout());
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void The_image_root_is_read_only()
    {
        SandboxResult result = Gvisor.Run(ImagePolicy, "/bin/sh", "-c", "echo x > /bin/evil || echo refused; echo ok > /tmp/t && cat /tmp/t");
        Assert.Equal("refused\nok\n", result.Stdout());
        Assert.False(File.Exists(Path.Combine(BusyboxRoot.Path, "bin", "evil")));
    }
}
