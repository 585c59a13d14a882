using Cordon.Backends.Process.Supervision;
using Cordon.Execution;

namespace Cordon.Backends.Process.Tests.Supervision;

public class VerdictTests
{
    [Theory]
    [InlineData(null, false, false, 0, null, SandboxOutcome.Exited)]
    [InlineData(null, false, false, 3, null, SandboxOutcome.Exited)]
    [InlineData(null, false, false, null, 11, SandboxOutcome.Signaled)]
    [InlineData(null, true, false, null, 9, SandboxOutcome.MemoryExceeded)]
    [InlineData(null, true, false, 0, null, SandboxOutcome.Exited)]            // a child was OOM-killed but the guest finished fine
    [InlineData((int)KillReason.WallTime, false, true, null, null, SandboxOutcome.ProcessLimitExceeded)] // fork bomb: the root cause wins
    [InlineData(null, false, true, 0, null, SandboxOutcome.Exited)]            // hit the limit, coped, exited 0
    [InlineData((int)KillReason.WallTime, false, false, null, null, SandboxOutcome.WallTimeExceeded)]
    [InlineData((int)KillReason.CpuTime, false, false, null, null, SandboxOutcome.CpuTimeExceeded)]
    [InlineData(null, false, false, null, 24, SandboxOutcome.CpuTimeExceeded)] // RLIMIT_CPU's SIGXCPU
    [InlineData(null, false, false, null, 31, SandboxOutcome.SyscallDenied)]   // SIGSYS: foreign ABI
    [InlineData((int)KillReason.Output, false, false, null, null, SandboxOutcome.OutputExceeded)]
    [InlineData((int)KillReason.Syscall, true, true, null, null, SandboxOutcome.SyscallDenied)]
    [InlineData((int)KillReason.Canceled, true, true, null, null, SandboxOutcome.Canceled)]
    public void Facts_map_to_one_outcome(int? killReason, bool oom, bool pids, int? exit, int? signal, SandboxOutcome expected)
    {
        var facts = new RunFacts { SupervisorKill = (KillReason?)killReason, OomKilled = oom, ProcessLimitHit = pids, ExitCode = exit, Signal = signal, GuestStarted = true };
        Assert.Equal(expected, Verdict.Decide(facts).Outcome);
    }

    [Fact]
    public void A_plain_sigkill_is_told_apart_from_memory_and_cpu_verdicts()
    {
        Assert.Equal(SandboxOutcome.Signaled, Verdict.Decide(new RunFacts { Signal = 9, CpuTime = TimeSpan.FromSeconds(1), CpuLimit = TimeSpan.FromSeconds(5) }).Outcome);
        Assert.Equal(SandboxOutcome.CpuTimeExceeded, Verdict.Decide(new RunFacts { Signal = 9, CpuTime = TimeSpan.FromSeconds(5), CpuLimit = TimeSpan.FromSeconds(5) }).Outcome);
    }

    [Theory]
    [InlineData(2, 127)]
    [InlineData(13, 126)]
    public void Exec_failures_map_to_127_and_126(int errno, int code)
    {
        var (outcome, exitCode, _, _) = Verdict.Decide(new RunFacts { ExecErrno = errno, ExitCode = 127 });
        Assert.Equal((SandboxOutcome.ExecFailed, code), (outcome, exitCode));
    }
}
