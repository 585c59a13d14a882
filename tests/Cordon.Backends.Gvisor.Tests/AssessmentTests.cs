using Cordon.Backends.Gvisor.Runsc;
using Cordon.Backends.Gvisor.Tier;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.Tiers;

namespace Cordon.Backends.Gvisor.Tests;

public sealed class AssessmentTests
{
    [Fact]
    public void The_default_policy_is_enforced_as_written()
        => Assert.Empty(GvisorTier.Assessment(SandboxPolicy.Default).Findings);

    [Fact]
    public void Host_network_and_allowlists_are_refused_before_anything_starts()
    {
        SandboxPolicy host = new SandboxPolicyBuilder().Allow(HostNetworkAccess.Instance).WithNetwork(NetworkMode.Host).Build();
        Assert.False(GvisorTier.Assessment(host).Accepted);
        SandboxPolicy allow = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).AllowNetworkTo(NetworkDestination.Parse("203.0.113.7:443")).Build();
        PolicyValidationException e = Assert.Throws<PolicyValidationException>(() =>
            new GvisorTier().Run(allow, new SandboxCommand("/bin/true"), TierSettings.None, CancellationToken.None));
        Assert.Contains("network.allow", e.Message);
    }

    [Fact]
    public void A_syscall_profile_is_degraded_with_a_warning_not_faked()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithViolationAction(ViolationAction.Kill).Build();
        FacetFinding finding = Assert.Single(GvisorTier.Assessment(policy).Findings);
        Assert.Equal(FacetSupport.Degraded, finding.Support);
        Assert.Contains("not applied", finding.Message);
    }
}

public sealed class SentryLogTests
{
    [Fact]
    public void The_wait_status_fatal_errors_and_unsupported_syscalls_are_read_from_the_log()
    {
        var log = new SentryLog();
        log.Feed("I1201 14:26:34.743805   13661 compat.go:123] Unsupported syscall rseq(0x5ecce0,0x20,0x0). It is likely\n"u8);
        log.Feed("W1201 14:26:39.275032   13903 util.go:64] FATAL ERROR: running container: failed to load /x: no such file or directory\n"u8);
        log.Feed("I1201 14:26:34.747586   13655 main.go:266] Exiting with status: 768\n"u8);
        Assert.Equal(768, log.WaitStatus);
        Assert.Equal("rseq", Assert.Single(log.UnsupportedSyscalls));
        Assert.StartsWith("running container", log.Fatal, StringComparison.Ordinal);
        Assert.False(log.ProcessLimitHit);
    }

    [Fact]
    public void A_fork_refused_with_eagain_is_the_process_limit_and_the_guests_comm_cannot_fake_one()
    {
        var faked = new SentryLog();
        // A guest names itself "X clone( = 0 errno=11 (" (comm is at most 15 bytes) and makes a successful clone.
        faked.Feed("I1201 14:24:20.773965   11052 strace.go:611] [   1:   1] errno=11 (x X clone(0x11, 0x0) = 2 (0x2) (806µs)\n"u8);
        Assert.False(faked.ProcessLimitHit);

        var log = new SentryLog();
        log.Feed("I1201 14:24:20.826155   11052 strace.go:611] [   1:   1] sh X clone(CLONE_CHILD_CLEARTID|0x11, 0x0, 0x0) = 0 (0x0) errno=11 (try again) (902µs)\n"u8);
        Assert.True(log.ProcessLimitHit);
    }

    [Fact]
    public void Lines_split_across_reads_are_joined_and_overlong_lines_dropped()
    {
        var log = new SentryLog();
        log.Feed("I1201 14:26:34.747586   13655 main.go:266] Exiting with st"u8);
        log.Feed("atus: 9\n"u8);
        log.Feed(new byte[100_000]);
        log.Feed("\n"u8);
        Assert.Equal(9, log.WaitStatus);
    }
}
