using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Supervision;

/// <summary>What the supervisor loop needs from the run's cgroup (absent when running degraded).</summary>
internal interface ICgroupControl
{
    /// <summary>CPU time of every task in the run so far.</summary>
    TimeSpan ReadCpuTime();

    /// <summary>Kills every task in the run and waits until none is left.</summary>
    void KillAll();
}

/// <summary>The seccomp user-notification channel: first the socket the launcher sends the listener over, then the listener itself.</summary>
internal interface ISeccompChannel : IDisposable
{
    /// <summary>The descriptor to poll for readability.</summary>
    SafeHandle PollHandle { get; }

    /// <summary>Every refused syscall so far, named and counted by the notifier's ledger (bounded whatever the guest calls).</summary>
    System.Collections.Immutable.ImmutableArray<Cordon.Execution.SyscallViolation> Violations { get; }

    /// <summary>False once nothing more can arrive (peer gone); the supervisor then stops polling it.</summary>
    bool IsActive { get; }

    /// <summary>Handles a poll wake-up; adds the numbers of the syscalls refused in this round (each already answered).</summary>
    void OnReadable(bool hangUp, List<int> refusedSyscalls);
}
