using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Gvisor.Tests;

public sealed class ContainmentTests
{
    [Fact]
    public void Host_files_not_granted_are_absent()
    {
        string secret = Path.Combine(Path.GetTempPath(), $"cordon-gvisor-secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "host secret");
        try
        {
            SandboxResult result = Gvisor.Sh($"cat {secret}; cat /etc/shadow; ls /root /home; echo done");
            Assert.Equal("done\n", result.Stdout());
            Assert.DoesNotContain("host secret", result.Stdout());
            Assert.Contains("No such file", result.Stderr());
            Gvisor.AssertCleanedUp(result);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void The_root_is_read_only_and_tmp_and_work_are_writable()
    {
        SandboxResult result = Gvisor.Sh("touch /usr/cordon-x 2>/dev/null && echo usr-writable; touch /cordon-x 2>/dev/null && echo root-writable; echo a > /tmp/a && echo a > /work/a && echo private-ok");
        Assert.Equal("private-ok\n", result.Stdout());
    }

    [Fact]
    public void Granted_directories_are_visible_read_only()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-gvisor-grant-").FullName;
        File.WriteAllText(Path.Combine(dir, "data.txt"), "granted");
        // Grants keep their host owners and modes under gVisor: the guest (uid 1000) reads what others may read.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        try
        {
            SandboxPolicy policy = new SandboxPolicyBuilder().MountReadOnly(dir, "/data").Build();
            SandboxResult result = Gvisor.Sh("cat /data/data.txt; echo x > /data/new 2>/dev/null || echo refused", policy);
            Assert.Equal("grantedrefused\n", result.Stdout());
            Assert.False(File.Exists(Path.Combine(dir, "new")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void There_is_no_network_beyond_a_private_loopback()
    {
        // busybox has no ip(8) here; /proc/net/dev lists the Sentry's interfaces.
        SandboxResult result = Gvisor.Sh("cat /proc/net/dev; cat /proc/net/route");
        Assert.True(result.IsSuccess, result.Stderr());
        Assert.DoesNotContain("eth", result.Stdout());
    }

    [Fact]
    public void The_environment_is_exactly_the_policys()
    {
        Environment.SetEnvironmentVariable("CORDON_GVISOR_HOST_VAR", "leak");
        SandboxPolicy policy = new SandboxPolicyBuilder().SetEnvironment("GREETING", "hello").Build();
        SandboxResult result = Gvisor.Run(policy, "/usr/bin/env");
        Assert.Contains("GREETING=hello\n", result.Stdout());
        Assert.DoesNotContain("CORDON_GVISOR_HOST_VAR", result.Stdout());
        Assert.Contains("HOME=/work\n", result.Stdout());
    }

    [Fact]
    public void The_guest_has_no_capabilities_and_the_policys_uid()
    {
        SandboxResult result = Gvisor.Sh("id -u; grep -E '^Cap(Eff|Prm|Bnd)|^NoNewPrivs' /proc/self/status");
        Assert.StartsWith("1000\n", result.Stdout());
        Assert.Contains("CapEff:\t0000000000000000", result.Stdout());
        Assert.Contains("CapBnd:\t0000000000000000", result.Stdout());
    }
}
