using System.Collections.Immutable;
using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class SyscallProfilesTests
{
    [Fact]
    public void Every_known_syscall_is_either_allowed_or_refused_with_a_reason_by_the_default_profile()
    {
        string[] refused = [.. SyscallProfiles.RefusedByDefault.SelectMany(f => f.Names)];

        Assert.Empty(SyscallProfiles.Default.Intersect(refused));
        Assert.Empty(X64SyscallTable.Names.Except(SyscallProfiles.Default).Except(refused));
        Assert.Equal(SyscallProfiles.Default.Length, SyscallProfiles.Default.Distinct().Count());
        Assert.Equal(refused.Length, refused.Distinct().Count());
        Assert.All(SyscallProfiles.RefusedByDefault, f => Assert.False(string.IsNullOrWhiteSpace(f.Why)));
    }

    [Fact]
    public void Built_in_profiles_use_only_names_cordon_knows()
    {
        string[] all = [.. SyscallProfiles.Default, .. SyscallProfiles.Strict, .. SyscallProfiles.LauncherTail,
            .. SyscallProfiles.RefusedByDefault.SelectMany(f => f.Names)];

        Assert.All(all, name => Assert.True(X64SyscallTable.IsKnown(name), name));
    }

    [Theory]
    [InlineData("ptrace")]
    [InlineData("mount")]
    [InlineData("bpf")]
    [InlineData("io_uring_setup")]
    [InlineData("keyctl")]
    [InlineData("userfaultfd")]
    [InlineData("perf_event_open")]
    [InlineData("seccomp")]
    [InlineData("unshare")]
    [InlineData("kexec_load")]
    public void The_default_profile_refuses_the_dangerous_families(string name)
        => Assert.Null(SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.Host).Find(name));

    [Theory]
    [InlineData(SyscallProfile.Default)]
    [InlineData(SyscallProfile.Strict)]
    [InlineData(SyscallProfile.Custom)]
    public void Every_profile_lets_the_launcher_finish_and_answers_clone3_with_ENOSYS(SyscallProfile profile)
    {
        SeccompRuleSet rules = SyscallProfiles.Build(profile, ["getppid"], NetworkMode.None);

        foreach (string name in (string[])["close", "execve", "exit", "exit_group", "write"])
        {
            Assert.True(rules.Find(name)?.IsUnconditional, name);
        }

        SyscallRule sendmsg = rules.Find("sendmsg")!;
        if (profile == SyscallProfile.Default)
        {
            Assert.True(sendmsg.IsUnconditional);
        }
        else
        {
            var alternative = Assert.Single(sendmsg.WhenAny);
            Assert.Equal(new[] { ArgumentCondition.Low32Equals(0, 255) }, alternative.ToArray());
        }

        SyscallRule clone3 = rules.Find("clone3")!;
        Assert.Equal((SyscallRuleAction.Errno, 38), (clone3.Action, clone3.Errno));
    }

    [Fact]
    public void A_custom_profile_keeps_the_argument_guards()
    {
        SeccompRuleSet rules = SyscallProfiles.Build(SyscallProfile.Custom,
            ["clone", "clone3", "ioctl", "socket", "personality", "seccomp", "mmap"], NetworkMode.None);

        Assert.False(rules.Find("clone")!.IsUnconditional);
        Assert.False(rules.Find("ioctl")!.IsUnconditional);
        Assert.Equal(new[] { ArgumentCondition.Low32Equals(0, 1) }, Assert.Single(rules.Find("socket")!.WhenAny).ToArray());
        Assert.Equal(5, rules.Find("personality")!.WhenAny.Length);
        Assert.False(rules.Find("seccomp")!.IsUnconditional);
        Assert.True(rules.Find("mmap")!.IsUnconditional); // PROT_EXEC is only the strict profile's business
        Assert.Equal(SyscallRuleAction.Errno, rules.Find("clone3")!.Action);
    }

    [Theory]
    [InlineData(NetworkMode.None, new uint[] { 1 })]
    [InlineData(NetworkMode.Loopback, new uint[] { 1, 2, 10 })]
    [InlineData(NetworkMode.Host, new uint[] { 1, 2, 10 })]
    public void Socket_families_follow_the_network_mode(NetworkMode network, uint[] families)
    {
        SeccompRuleSet rules = SyscallProfiles.Build(SyscallProfile.Default, [], network);

        ImmutableArray<ImmutableArray<ArgumentCondition>> expected = [.. families.Select(f => ImmutableArray.Create(ArgumentCondition.Low32Equals(0, f)))];
        // With a network, socket() also opens AF_NETLINK (16) for NETLINK_ROUTE (protocol 0) only; socketpair never does.
        ImmutableArray<ImmutableArray<ArgumentCondition>> socket = network == NetworkMode.None
            ? expected
            : [.. expected, [ArgumentCondition.Low32Equals(0, 16), ArgumentCondition.Low32Equals(2, 0)]];
        Assert.Equal(socket, rules.Find("socket")!.WhenAny, new AlternativesComparer());
        Assert.Equal(expected, rules.Find("socketpair")!.WhenAny, new AlternativesComparer());
    }

    [Fact]
    public void The_strict_profile_refuses_executable_mappings_and_changing_limits()
    {
        SeccompRuleSet rules = SyscallProfiles.Build(SyscallProfile.Strict, [], NetworkMode.Host);

        Assert.Equal(new[] { ArgumentCondition.BitsClear(2, 0x4) }, Assert.Single(rules.Find("mmap")!.WhenAny).ToArray());
        Assert.Equal(new[] { ArgumentCondition.BitsClear(2, 0x4) }, Assert.Single(rules.Find("mprotect")!.WhenAny).ToArray());
        Assert.Equal(new[] { ArgumentCondition.Low32Equals(0, 0), ArgumentCondition.Equals64(2, 0) },
            Assert.Single(rules.Find("prlimit64")!.WhenAny).ToArray());
        Assert.Null(rules.Find("socket"));
        Assert.Null(rules.Find("openat"));
    }

    [Fact]
    public void Merging_an_unconditional_allow_absorbs_conditional_ones()
    {
        var rules = new SeccompRuleSet();
        rules.Allow("sendmsg", [[ArgumentCondition.Low32Equals(0, 255)]]);
        rules.Allow("sendmsg", [[ArgumentCondition.Low32Equals(0, 7)]]);
        Assert.Equal(2, rules.Find("sendmsg")!.WhenAny.Length);

        rules.Allow("sendmsg");
        Assert.True(rules.Find("sendmsg")!.IsUnconditional);

        rules.Allow("sendmsg", [[ArgumentCondition.Low32Equals(0, 255)]]);
        Assert.True(rules.Find("sendmsg")!.IsUnconditional);
    }

    private sealed class AlternativesComparer : IEqualityComparer<ImmutableArray<ImmutableArray<ArgumentCondition>>>
    {
        public bool Equals(ImmutableArray<ImmutableArray<ArgumentCondition>> x, ImmutableArray<ImmutableArray<ArgumentCondition>> y)
            => x.Length == y.Length && x.Zip(y).All(p => p.First.SequenceEqual(p.Second));

        public int GetHashCode(ImmutableArray<ImmutableArray<ArgumentCondition>> obj) => obj.Length;
    }
}
