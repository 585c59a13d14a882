using Cordon.Backends.Process.Seccomp;
using Cordon.Execution;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class ViolationLedgerTests
{
    [Fact]
    public void Violations_are_named_and_sorted_by_count_then_name()
    {
        var ledger = new ViolationLedger();
        for (int i = 0; i < 3; i++) ledger.RecordRefused(165); // mount
        for (int i = 0; i < 3; i++) ledger.RecordRefused(101); // ptrace
        ledger.RecordRefused(321);                             // bpf
        ledger.RecordRefused(100_000);
        for (int i = 0; i < 5; i++) ledger.RecordRefused(499); // beyond the table

        Assert.Equal(
            new[]
            {
                new SyscallViolation("nr-499", 499, 5, "errno"),
                new SyscallViolation("mount", 165, 3, "errno"),
                new SyscallViolation("ptrace", 101, 3, "errno"),
                new SyscallViolation("bpf", 321, 1, "errno"),
                new SyscallViolation("nr-100000", 100_000, 1, "errno"),
            },
            ledger.ToViolations().ToArray());
        Assert.Equal(13, ledger.TotalCount);
        Assert.Null(ledger.KillingSyscall);
    }

    [Fact]
    public void Only_the_first_call_in_kill_mode_is_the_killing_one()
    {
        var ledger = new ViolationLedger();

        Assert.True(ledger.RecordKill(101));
        Assert.False(ledger.RecordKill(165));
        ledger.RecordRefused(165);

        Assert.Equal(101, ledger.KillingSyscall);
        Assert.Equal(
            new[] { new SyscallViolation("mount", 165, 2, "errno"), new SyscallViolation("ptrace", 101, 1, "kill") },
            ledger.ToViolations().ToArray());
    }

    [Fact]
    public void Out_of_range_numbers_are_bounded()
    {
        var ledger = new ViolationLedger();

        for (int i = 0; i < 10_000; i++) ledger.RecordRefused(-1 - i);

        var violations = ledger.ToViolations();
        Assert.Equal(ViolationLedger.MaxDistinctOutOfRange + 1, violations.Length);
        Assert.Equal(new SyscallViolation("nr-other", -1, 10_000 - ViolationLedger.MaxDistinctOutOfRange, "errno"), violations[0]);
        Assert.Equal(10_000, ledger.TotalCount);
    }

    [Fact]
    public void Recording_known_numbers_does_not_allocate()
    {
        var ledger = new ViolationLedger();
        ledger.RecordRefused(101);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++) ledger.RecordRefused(i % 400);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
