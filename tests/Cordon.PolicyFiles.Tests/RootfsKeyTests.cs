using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Tests;

/// <summary><c>rootfs = "DIR"</c>: an unpacked image root in place of the host's system directories.</summary>
public sealed class RootfsKeyTests
{
    [Fact]
    public void Rootfs_gives_an_image_root_that_a_written_policy_keeps()
    {
        Assert.True(PolicyFile.TryParse("rootfs = \"/srv/images/app/rootfs\"\n", "/etc/cordon/p.toml", out SandboxPolicy? policy, out _));

        Assert.Equal(FilesystemRootKind.Image, policy!.Root.Kind);
        Assert.Equal("/srv/images/app/rootfs", policy.Root.ImagePath);
        Assert.False(policy.MountSystemDirectories);
        Assert.Contains("rootfs = \"/srv/images/app/rootfs\"", PolicyFile.Format(policy), StringComparison.Ordinal);
    }

    [Fact]
    public void Rootfs_with_system_dirs_is_one_error_at_the_rootfs_key()
    {
        Assert.False(PolicyFile.TryParse("system_dirs = true\nrootfs = \"/srv/r\"\n", "p.toml", out _, out ImmutableArray<PolicyError> errors));

        PolicyError e = Assert.Single(errors);
        Assert.Equal("rootfs", e.Key);
        Assert.Equal("p.toml:2:1", e.Source);
    }

    [Fact]
    public void Rootfs_must_be_a_path()
    {
        Assert.False(PolicyFile.TryParse("rootfs = true\n", "p.toml", out _, out ImmutableArray<PolicyError> errors));

        Assert.Contains("unpacked root directory", Assert.Single(errors).Message, StringComparison.Ordinal);
    }
}
