using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.PolicyFiles.Profiles;
using Cordon.Units;

namespace Cordon.PolicyFiles.Tests;

/// <summary>load → show → load gives the same policy (SandboxPolicy has value equality).</summary>
public class RoundTripTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Examples"), "*.toml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    private static void AssertRoundTrips(SandboxPolicy policy)
    {
        string shown = PolicyFile.Format(policy);
        SandboxPolicy again = PolicyFile.Parse(shown, "shown.toml");
        Assert.Equal(policy, again);
        Assert.Equal(shown, PolicyFile.Format(again));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_round_trips(string file)
    {
        var options = new PolicyFileOptions { BaseDirectory = AppContext.BaseDirectory };
        AssertRoundTrips(PolicyFile.Load(Path.Combine(AppContext.BaseDirectory, "Examples", file), options));
    }

    [Fact]
    public void Every_profile_round_trips()
    {
        foreach (RuntimeProfile profile in BuiltInProfiles.Profiles) AssertRoundTrips(profile.Policy);
    }

    [Fact]
    public void A_policy_built_in_code_round_trips_with_every_feature()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder()
            .WithWallTime(TimeSpan.FromMilliseconds(1500)).WithCpuTime(null).WithMemory(3 * ByteSize.GiB).WithMaxProcesses(null)
            .WithMaxOutput(1536).WithOutputAction(OutputAction.Kill).WithFileSize(null).WithTmpfsSize(5 * ByteSize.MiB)
            .WithOpenFiles(1024).WithStack(null)
            .WithNetwork(NetworkMode.Host).Allow(HostNetworkAccess.Instance)
            .WithGuestRoot().RequireCgroups().RequireLandlock().WithSystemDirectories(false).WithWorkDirectory("/tmp")
            .SetEnvironment("QUOTE", "a \"b\" \\ c\nd\u0001").SetEnvironment("a.b", "dotted key").SetEnvironment("ÜNICODE", "ü")
            .MountReadOnly("/usr/share", "/share").MountReadWrite("/tmp", "/out").MountTmpfs("/scratch", 64 * ByteSize.KiB)
            .MountTmpfs("/scratch2").CopyFile("/input", "/etc/passwd")
            .WithCustomSyscalls(["write", "read", "exit_group", "execve"]).WithViolationAction(ViolationAction.Kill)
            .Build();
        AssertRoundTrips(policy);
    }

    [Fact]
    public void The_default_policy_round_trips() => AssertRoundTrips(SandboxPolicy.Default);

    [Fact]
    public void An_allowlist_with_udp_and_tcp_rules_round_trips()
        => AssertRoundTrips(new SandboxPolicyBuilder().AllowNetworkTo(NetworkDestination.Parse("127.0.0.53:53/udp"))
            .AllowNetworkTo(NetworkDestination.Parse("10.0.0.0/8:5000-5100/udp")).AllowNetworkTo(NetworkDestination.Parse("pypi.org:443")).Build());

    [Fact]
    public void A_deny_list_resolves_to_the_allowlist_of_everything_else()
    {
        SandboxPolicy policy = PolicyFile.Parse("[syscalls]\ndeny = [\"ptrace\", \"bpf\"]\n");
        Assert.Equal(SyscallProfile.Custom, policy.Syscalls.Profile);
        Assert.DoesNotContain("ptrace", policy.Syscalls.AllowedSyscalls);
        Assert.Contains("openat2", policy.Syscalls.AllowedSyscalls);
        Assert.Equal(X64SyscallTable.Names.Count() - 2, policy.Syscalls.AllowedSyscalls.Length);
        AssertRoundTrips(policy);
    }

    [Fact]
    public void Relative_host_paths_resolve_against_the_base_directory_and_show_absolute()
    {
        SandboxPolicy policy = PolicyFile.Parse("workdir = \".\"\n[[mounts]]\ntype = \"ro\"\nhost = \"share\"\nguest = \"/s\"\n", "p.toml",
            new PolicyFileOptions { BaseDirectory = "/usr" });
        Assert.Equal("/usr", policy.WorkDirectoryHostPath);
        Assert.Equal("/usr/share", policy.Mounts[0].HostPath);
        Assert.Contains("host = \"/usr/share\"", PolicyFile.Format(policy));
    }
}
