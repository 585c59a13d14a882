using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Filesystem;

/// <summary>Defense in depth: Landlock is applied from the policy, independently of the mounts bwrap makes.</summary>
public class LandlockLayerTests : SandboxTest
{
    [Fact]
    public async Task Landlock_alone_stops_a_read_through_an_over_broad_mount()
    {
        string dir = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "secret.txt"), "LANDLOCK-CANARY");
        File.SetUnixFileMode(Path.Combine(dir, "secret.txt"), (UnixFileMode)0b110_100_100);

        // A deliberate mistake in the mount layer: the directory is bound in, but the policy never granted it.
        var careless = new ProcessSandbox(new ProcessBackendOptions { MountMistakesForTesting = [(dir, "/leak")] });
        SandboxResult r = await careless.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "ls /leak; cat /leak/secret.txt"]));
        Assert.DoesNotContain("LANDLOCK-CANARY", Stdout(r));
        Assert.Contains("Permission denied", Stderr(r));

        // Control: the same mount without the mistake being hidden from Landlock is readable, so the denial above is Landlock's.
        SandboxResult granted = await Sandbox.RunAsync(new SandboxPolicyBuilder().MountReadOnly(dir, "/leak").Build(), new SandboxCommand("cat", ["/leak/secret.txt"]));
        Assert.Equal("LANDLOCK-CANARY", Stdout(granted));
    }

    [Fact]
    public async Task On_a_kernel_with_landlock_no_weaker_layer_is_reported()
    {
        SandboxResult r = await Sandbox.RunAsync(new SandboxPolicyBuilder().RequireLandlock().Build(), new SandboxCommand("/bin/sh", ["-c", "ls / >/dev/null; echo ok"]));
        AssertExited(r);
        Assert.DoesNotContain(r.Warnings, w => w.Contains("Landlock", StringComparison.Ordinal));
    }
}
