using Cordon.Policy;
using Cordon.PolicyFiles.Profiles;

namespace Cordon.PolicyFiles.Tests;

public class ProfileTests
{
    [Fact]
    public void The_five_profiles_exist_with_one_line_summaries()
    {
        Assert.Equal(["minimal", "shell", "python", "node", "gcc"], BuiltInProfiles.Names.ToArray());
        foreach (RuntimeProfile profile in BuiltInProfiles.Profiles)
        {
            Assert.False(string.IsNullOrWhiteSpace(profile.Summary));
            Assert.DoesNotContain('\n', profile.Summary);
            Assert.Equal(NetworkMode.None, profile.Policy.Network.Mode);
            Assert.Empty(profile.Policy.Mounts);
            Assert.Null(profile.Policy.WorkDirectoryHostPath);
            Assert.All([profile.Policy.Limits.WallTime, profile.Policy.Limits.CpuTime], l => Assert.NotNull(l));
            Assert.NotNull(profile.Policy.Limits.MemoryBytes);
            Assert.NotNull(profile.Policy.Limits.MaxProcesses);
        }
    }

    [Fact]
    public void Minimal_mounts_nothing_and_allows_only_the_strict_profile()
    {
        SandboxPolicy minimal = BuiltInProfiles.Profiles.First().Policy;
        Assert.False(minimal.MountSystemDirectories);
        Assert.Equal(SyscallProfile.Strict, minimal.Syscalls.Profile);
        Assert.Equal(ViolationAction.Kill, minimal.Syscalls.OnViolation);
    }

    [Fact]
    public void Python_says_no_user_site_packages()
        => Assert.Equal("1", PolicyFile.LoadReference("python").Environment["PYTHONNOUSERSITE"]);

    [Fact]
    public void Unknown_profile_names_are_not_found()
        => Assert.False(BuiltInProfiles.TryGet("Python", out _));
}
