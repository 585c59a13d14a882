using System.Runtime.InteropServices;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>What <see cref="SeccompNotifier.WaitForNotification"/> saw on the listener.</summary>
internal enum ListenerState
{
    /// <summary>Nothing happened within the timeout.</summary>
    Idle,

    /// <summary>A refused call is waiting: call <see cref="SeccompNotifier.TryHandleNext"/>.</summary>
    Pending,

    /// <summary>No process uses the filter any more (every sandboxed process exited); nothing more will come.</summary>
    Closed,
}

/// <summary>
/// The supervisor's end of a seccomp user-notification listener: receives each refused call, answers it, and records it in
/// a <see cref="ViolationLedger"/>. One thread drives it (a poll loop); it owns the listener descriptor.
/// </summary>
/// <remarks>
/// <para>
/// Answers are always failures: -EPERM, or -ENOSYS for a number above <see cref="X64SyscallTable.HighestNumber"/> or unknown
/// to <see cref="X64SyscallTable"/> (so libraries probing newer calls fall back, as on an older kernel). Never
/// SECCOMP_USER_NOTIF_FLAG_CONTINUE: that flag lets the call run, and the supervisor cannot safely judge its arguments
/// (the guest can change its memory between the check and the kernel's read).
/// </para>
/// <para>
/// One exception is carried out by the supervisor itself rather than refused: a chmod that sets a set-id bit on a
/// directory (<see cref="DirectoryModeChange"/>), which the filter cannot tell from the same bit on a file. That path reads
/// the caller's memory and /proc and so allocates; it runs only for those calls.
/// </para>
/// <para>
/// With <see cref="ViolationAction.Kill"/> the first refused call is left unanswered, so the guest stays blocked in it until
/// the supervisor, seeing <see cref="KillRequested"/>, kills the sandbox; refused calls racing it from other threads are
/// answered EPERM. Receiving and answering never allocate, and never block: the listener is non-blocking and every receive
/// is preceded by a zero-timeout poll.
/// </para>
/// </remarks>
internal sealed class SeccompNotifier : IDisposable
{
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int Enosys = 38;

    private readonly ViolationAction _onViolation;
    private readonly Network.ConnectProxy? _connects;

    /// <summary>Takes ownership of <paramref name="listener"/> (from <see cref="Interop.Libc.ReceiveFd"/>).</summary>
    /// <exception cref="Cordon.Errors.SandboxSetupException">The descriptor cannot be made non-blocking (it is not open).</exception>
    /// <param name="listener">The listener.</param>
    /// <param name="onViolation">What a refused call does.</param>
    /// <param name="ledger">Where refused calls are counted (a new one by default).</param>
    /// <param name="synchronousWakeups">Ask for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP; false only to measure the difference.</param>
    /// <param name="connects">With an address allowlist: answers every connect (see <see cref="Network.ConnectProxy"/>).</param>
    internal SeccompNotifier(SafeFileHandle listener, ViolationAction onViolation, ViolationLedger? ledger = null, bool synchronousWakeups = true,
        Network.ConnectProxy? connects = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (listener.IsInvalid)
        {
            throw new ArgumentException("the seccomp listener handle is invalid", nameof(listener));
        }

        if (Interop.Libc.SetNonBlockingFlag(listener) != 0)
        {
            throw Interop.Errno.Setup("seccomp-listener", "cannot make the seccomp listener non-blocking");
        }

        // A refused call is two wake-ups (guest to supervisor, answer back). Without this flag each may cross to a
        // halted vCPU, which on a VM goes through the hypervisor (measured ~60 us per call; ~8 us with it). Older
        // kernels answer EINVAL and keep the normal wake-up, which is only slower.
        if (synchronousWakeups) _ = Interop.Libc.SeccompNotifySetFlags(listener, Interop.Libc.SeccompUserNotifFdSyncWakeUp);

        Listener = listener;
        _onViolation = onViolation;
        _connects = connects;
        Ledger = ledger ?? new ViolationLedger();
    }

    /// <summary>The listener, for a poll set shared with other descriptors (wait for POLLIN, then call <see cref="TryHandleNext"/>).</summary>
    internal SafeFileHandle Listener { get; }

    /// <summary>What was refused so far.</summary>
    internal ViolationLedger Ledger { get; }

    /// <summary>In kill mode: a refused call happened and the sandbox must be killed now.</summary>
    internal bool KillRequested => Ledger.KillingSyscall is not null;

    /// <summary>Waits up to <paramref name="timeout"/> for a refused call or for the last filtered process to go away.</summary>
    /// <exception cref="InvalidOperationException">poll failed (the listener was closed underneath).</exception>
    internal ListenerState WaitForNotification(TimeSpan timeout)
    {
        int milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        int events = Interop.Libc.PollSingle(Listener, Interop.Libc.PollIn, milliseconds);
        if (events < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) return ListenerState.Idle;
            throw new InvalidOperationException($"poll on the seccomp listener: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        if ((events & Interop.Libc.PollIn) != 0) return ListenerState.Pending;
        if ((events & (Interop.Libc.PollHup | Interop.Libc.PollErr | Interop.Libc.PollNval)) != 0) return ListenerState.Closed;
        return ListenerState.Idle;
    }

    /// <summary>Receives, answers and records one refused call, if one is pending.</summary>
    /// <param name="syscallNumber">The refused call's number (x86-64); -1 when nothing was handled or the call was carried out for the guest.</param>
    /// <returns>
    /// True when a call was handled. False when none was pending, or the caller died between poll and receive (ENOENT: normal).
    /// </returns>
    /// <exception cref="InvalidOperationException">The kernel refused the receive or the answer for another reason (a bug).</exception>
    internal unsafe bool TryHandleNext(out int syscallNumber)
    {
        syscallNumber = -1;
        if ((Interop.Libc.PollSingle(Listener, Interop.Libc.PollIn, 0) & Interop.Libc.PollIn) == 0)
        {
            return false;
        }

        Interop.Libc.SeccompNotification notification = default; // the kernel requires it zeroed
        if (Interop.Libc.SeccompNotifyReceive(Listener, &notification) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Eagain or Eintr) return false;
            throw new InvalidOperationException($"SECCOMP_IOCTL_NOTIF_RECV: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        syscallNumber = notification.Data.Number;
        if (_connects is not null && syscallNumber == Network.ConnectProxy.ConnectNumber)
        {
            syscallNumber = -1; // decided by the allowlist: a refusal is a network violation, not a syscall one
            _connects.Handle(Listener, notification);
            return true;
        }

        if (_connects is not null && _connects.SocketCalls.Contains(syscallNumber))
        {
            syscallNumber = -1;
            _connects.HandleSocketCall(Listener, notification);
            return true;
        }

        if (DirectoryModeChange.Handles(syscallNumber) && DirectoryModeChange.TryApply(Listener, notification) is { } done)
        {
            syscallNumber = -1; // carried out for the guest: neither a violation nor a reason to kill
            Answer(notification.Id, done);
            return true;
        }

        if (_onViolation == ViolationAction.Kill && Ledger.RecordKill(syscallNumber))
        {
            return true; // unanswered: the caller stays blocked until the sandbox is killed
        }

        if (_onViolation != ViolationAction.Kill)
        {
            Ledger.RecordRefused(syscallNumber);
        }

        Answer(notification.Id, ErrnoFor(syscallNumber));
        return true;
    }

    /// <summary>Answers notification <paramref name="id"/>: fails with <paramref name="errno"/>, or returns 0 when it is 0.</summary>
    private unsafe void Answer(ulong id, int errno)
    {
        Interop.Libc.SeccompNotificationResponse response = new()
        {
            Id = id,
            Value = 0,
            Error = -errno,
            Flags = 0,
        };
        if (Interop.Libc.SeccompNotifySend(Listener, &response) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            // ENOENT: the caller died or a signal interrupted the call meanwhile; the call is over either way.
            if (error is not (Enoent or Eintr))
            {
                throw new InvalidOperationException($"SECCOMP_IOCTL_NOTIF_SEND: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
            }
        }
    }

    /// <summary>EPERM for a call Cordon knows and refuses; ENOSYS for one it does not know, as an older kernel would say.</summary>
    internal static int ErrnoFor(int syscallNumber)
        => syscallNumber < 0 || syscallNumber > X64SyscallTable.HighestNumber || X64SyscallTable.NameOf(syscallNumber) is null ? Enosys : Eperm;

    /// <summary>Closes the listener. Calls still waiting for an answer then fail with ENOSYS.</summary>
    public void Dispose() => Listener.Dispose();
}
