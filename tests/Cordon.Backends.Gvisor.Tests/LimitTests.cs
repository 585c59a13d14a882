using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Backends.Gvisor.Tests;

/// <summary>Each limit ends the run with the outcome the process tier gives, and the run leaves nothing behind.</summary>
public sealed class LimitTests
{
    [Fact]
    public void The_wall_clock_limit_kills_the_sandbox()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(1)).Build();
        SandboxResult result = Gvisor.Sh("sleep 30", policy);
        // The outcome is the proof: a sleep that ran its 30 s would end as an exit, not as the limit's kill.
        Assert.Equal(SandboxOutcome.WallTimeExceeded, result.Outcome);
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void The_cpu_limit_kills_a_spinning_guest()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithCpuTime(TimeSpan.FromSeconds(1)).WithWallTime(TimeSpan.FromSeconds(60)).Build();
        SandboxResult result = Gvisor.Sh("while :; do :; done", policy);
        Assert.Equal(SandboxOutcome.CpuTimeExceeded, result.Outcome);
        Assert.True(result.Usage.TotalCpuTime >= TimeSpan.FromSeconds(1));
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void The_memory_limit_ends_a_hungry_guest_as_memory_exceeded()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMemory(64 * ByteSize.MiB).WithTmpfsSize(null).WithFileSize(null).WithWallTime(TimeSpan.FromSeconds(60)).Build();
        // Writes to the Sentry's tmpfs are the Sentry's memory: 1 GiB cannot fit in 64 MiB plus runsc's headroom.
        SandboxResult result = Gvisor.Sh("dd if=/dev/zero of=/tmp/fill bs=1M count=1024; echo survived", policy);
        Assert.Equal(SandboxOutcome.MemoryExceeded, result.Outcome);
        Assert.True(result.Usage.OomKilled);
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void The_process_limit_refuses_forks_and_says_so()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxProcesses(8).Build();
        SandboxResult result = Gvisor.Sh("for i in $(seq 1 20); do sleep 5 & done; wait; exit 1", policy);
        Assert.Equal(SandboxOutcome.ProcessLimitExceeded, result.Outcome);
        Assert.True(result.Usage.ProcessLimitHit);
        Assert.Contains("fork", result.Stderr());
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void A_bash_fork_bomb_ends_at_the_process_limit()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithMaxProcesses(32).WithWallTime(TimeSpan.FromSeconds(30)).Build();
        SandboxResult result = Gvisor.Sh("bash -c ':(){ :|:& };:' 2>/tmp/bomb.err & for i in $(seq 1 100); do grep -q 'Resource temporarily unavailable' /tmp/bomb.err && exit 3; sleep 0.05; done; exit 4", policy);
        Assert.Equal(SandboxOutcome.ProcessLimitExceeded, result.Outcome);
        Assert.True(result.Usage.ProcessLimitHit);
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void The_file_size_limit_is_the_sentrys()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithFileSize(ByteSize.MiB).Build();
        SandboxResult result = Gvisor.Sh("head -c 4000000 /dev/zero > /tmp/big; echo $?; wc -c < /tmp/big", policy);
        Assert.Equal("153\n1048576\n", result.Stdout());
    }

    [Fact]
    public void Output_is_capped_and_the_kill_action_kills()
    {
        SandboxPolicy truncate = new SandboxPolicyBuilder().WithMaxOutput(1000).Build();
        SandboxResult capped = Gvisor.Sh("head -c 100000 /dev/zero", truncate);
        Assert.Equal(SandboxOutcome.Exited, capped.Outcome);
        Assert.Equal(1000, capped.StandardOutput.Bytes.Length);
        Assert.Equal(100000, capped.StandardOutput.TotalBytes);
        Assert.True(capped.StandardOutput.Truncated);

        SandboxPolicy kill = new SandboxPolicyBuilder().WithMaxOutput(1000).WithOutputAction(OutputAction.Kill).Build();
        SandboxResult killed = Gvisor.Sh("while :; do echo spam; done", kill);
        Assert.Equal(SandboxOutcome.OutputExceeded, killed.Outcome);
        Gvisor.AssertCleanedUp(killed);
    }

    [Fact]
    public async Task Cancellation_kills_everything()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        SandboxResult result = await Gvisor.Tier.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "sleep 30 & sleep 30"]), TierSettings.None, cancel.Token);
        Assert.Equal(SandboxOutcome.Canceled, result.Outcome);
        Gvisor.AssertCleanedUp(result);
    }

    [Fact]
    public void Stdin_bytes_reach_the_guest()
    {
        SandboxResult result = Gvisor.Tier.Run(SandboxPolicy.Default, new SandboxCommand("/bin/cat") { StandardInput = "fed\n"u8.ToArray() }, TierSettings.None, CancellationToken.None);
        Assert.Equal("fed\n", result.Stdout());
    }
}
