using System.Runtime.InteropServices;
using Cordon.Backends.Process.Seccomp;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The unix socket pair over which the launcher hands the seccomp listener to the supervisor, and then the listener.
/// The launcher's end goes into the sandbox; the guest never holds either (the launcher closes both before exec).
/// </summary>
internal sealed class SeccompChannelPair : IDisposable
{
    private SafeFileHandle? _launcherEnd;

    private SeccompChannelPair(SafeFileHandle supervisorEnd, SafeFileHandle launcherEnd, Cordon.Policy.ViolationAction onViolation, Network.ConnectProxy? connects)
    {
        _launcherEnd = launcherEnd;
        Supervisor = new Channel(supervisorEnd, onViolation) { Connects = connects };
    }

    public SafeFileHandle LauncherEnd => _launcherEnd ?? throw new ObjectDisposedException(nameof(LauncherEnd));

    public Channel Supervisor { get; }

    /// <param name="onViolation">What a refused call does.</param>
    /// <param name="synchronousWakeups">See <see cref="SeccompNotifier"/>'s constructor.</param>
    /// <param name="connects">With an address allowlist: the proxy that answers every connect.</param>
    public static SeccompChannelPair Create(Cordon.Policy.ViolationAction onViolation, bool synchronousWakeups = true, Network.ConnectProxy? connects = null)
    {
        var (first, second) = Interop.Libc.SocketPair(seqPacket: true);
        var pair = new SeccompChannelPair(first, second, onViolation, connects);
        pair.Supervisor.SynchronousWakeups = synchronousWakeups;
        return pair;
    }

    /// <summary>After spawn: only the launcher may hold its end, so a closed peer means no listener will come.</summary>
    public void CloseLauncherEnd()
    {
        _launcherEnd?.Dispose();
        _launcherEnd = null;
    }

    public void Dispose()
    {
        CloseLauncherEnd();
        Supervisor.Dispose();
    }

    /// <summary>Polls the socket until the listener arrives, then the listener; answers every notification at once.</summary>
    internal sealed class Channel : ISeccompChannel
    {
        private readonly SafeFileHandle _socket;
        private readonly Cordon.Policy.ViolationAction _onViolation;
        private SeccompNotifier? _notifier;
        private bool _closed;

        // In kill mode a refused call is left unanswered, so the guest stays blocked in it until the sandbox dies.
        public Channel(SafeFileHandle socket, Cordon.Policy.ViolationAction onViolation) => (_socket, _onViolation) = (socket, onViolation);

        /// <summary>See <see cref="SeccompNotifier"/>'s constructor.</summary>
        public bool SynchronousWakeups { get; set; } = true;

        /// <summary>With an address allowlist: the proxy that answers every connect.</summary>
        public Network.ConnectProxy? Connects { get; init; }

        public SafeHandle PollHandle => _notifier?.Listener ?? (SafeHandle)_socket;

        public bool IsActive => !_closed;

        public System.Collections.Immutable.ImmutableArray<Cordon.Execution.SyscallViolation> Violations
            => _notifier?.Ledger.ToViolations() ?? [];

        public void OnReadable(bool hangUp, List<int> refusedSyscalls)
        {
            if (_notifier is null)
            {
                // With a name server the launcher sends its two sockets with the listener; they are bound before any
                // notification is read, so the guest's first lookup (itself a notified connect or sendto) finds them.
                Network.DnsStub? nameServer = Connects?.NameServer;
                SafeFileHandle[] received = Interop.Libc.ReceiveFds(_socket, nameServer is null ? 1 : 3);
                SafeFileHandle listener = received.Length > 0 ? received[0] : new SafeFileHandle();
                if (listener.IsInvalid)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    listener.Dispose();
                    // EAGAIN: spurious wake-up. Anything else: the launcher went away or misbehaved; the launcher's
                    // status pipe reports the failure, and without a listener refused calls would block the guest
                    // until its wall-clock limit, never pass.
                    if (errno != Interop.Errno.EAGAIN || hangUp) _closed = true;
                    return;
                }

                nameServer?.Start(received[1], received[2]);
                _notifier = new SeccompNotifier(listener, _onViolation, synchronousWakeups: SynchronousWakeups, connects: Connects);
                return;
            }

            // Bounded per wake-up, so a guest flooding refused calls cannot starve the deadline checks.
            int handled = 0;
            // A call carried out for the guest (syscall -1) is neither refused nor a reason to kill.
            for (; handled < 256 && _notifier.TryHandleNext(out int syscall); handled++)
            {
                if (syscall >= 0) refusedSyscalls.Add(syscall);
            }

            // The listener hangs up once no filtered task is left.
            if (handled == 0 && hangUp) _closed = true;
        }

        public void Dispose()
        {
            _notifier?.Dispose();
            _socket.Dispose();
        }
    }
}
