using System.Diagnostics;
using System.Runtime.InteropServices;
using Cordon.Backends.Process.Seccomp;
using Cordon.Execution;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>
/// A real listener: a child installs the production (notify) filter the way cordon-launch does and sends the listener
/// over a socket pair; the test answers as the supervisor would.
/// </summary>
[Collection(SeccompTestCollection.Name)]
public class SeccompNotifierTests
{
    [Theory]
    [InlineData(SyscallProfile.Default)]
    [InlineData(SyscallProfile.Strict)]   // the launcher's tail (sendmsg on fd 255, close) passes every profile
    [InlineData(SyscallProfile.Custom)]
    public void The_notifier_answers_a_thousand_refused_calls_with_EPERM_and_counts_them_without_allocating(SyscallProfile profile)
    {
        using var child = NotifyChild.Start(count: 1000, profile);
        using var notifier = new SeccompNotifier(child.ReceiveListener(), ViolationAction.Errno);

        long allocatedBefore = 0;
        int handled = 0;
        int unexpected = -1;
        // A safety net, not a measurement: give up after 30 one-second waits in which nothing arrived.
        for (int idleWaits = 0; idleWaits < 30;)
        {
            ListenerState state = notifier.WaitForNotification(TimeSpan.FromSeconds(1));
            if (state == ListenerState.Closed) break;
            if (state == ListenerState.Idle) idleWaits++;
            while (notifier.TryHandleNext(out int number))
            {
                if (number is not (101 or 1000)) unexpected = number; // no Assert here: its message would allocate
                if (++handled == 1) allocatedBefore = GC.GetAllocatedBytesForCurrentThread(); // after first-call JIT
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        string output = child.WaitForExit();

        Assert.Equal(-1, unexpected);
        Assert.Equal("eperm=1000 unknown=ENOSYS", output.Trim());
        Assert.InRange(allocated, 0, 4096);
        SyscallViolation[] expected = [new("ptrace", 101, 1000, "errno"), new("nr-1000", 1000, 1, "errno")];
        Assert.Equal(expected, notifier.Ledger.ToViolations().ToArray());
        Assert.Equal(expected.Sum(v => v.Count), handled);
    }

    [Fact]
    public void In_kill_mode_the_first_refused_call_stays_blocked_until_the_sandbox_is_killed()
    {
        using var child = NotifyChild.Start(count: 5);
        using var notifier = new SeccompNotifier(child.ReceiveListener(), ViolationAction.Kill);

        Assert.Equal(ListenerState.Pending, notifier.WaitForNotification(TimeSpan.FromSeconds(10)));
        Assert.True(notifier.TryHandleNext(out int number));
        Assert.Equal(101, number);
        Assert.True(notifier.KillRequested);

        // The child is stuck in its first ptrace: nothing more arrives, and it does not exit by itself.
        Assert.Equal(ListenerState.Idle, notifier.WaitForNotification(TimeSpan.FromMilliseconds(300)));
        Assert.False(child.Process.HasExited);

        child.Process.Kill();
        child.Process.WaitForExit();
        Assert.Equal(ListenerState.Closed, notifier.WaitForNotification(TimeSpan.FromSeconds(10)));
        Assert.False(notifier.TryHandleNext(out _));
        Assert.Equal(new[] { new SyscallViolation("ptrace", 101, 1, "kill") }, notifier.Ledger.ToViolations().ToArray());
    }

    [Fact]
    public void Handling_when_nothing_is_pending_returns_at_once()
    {
        using var child = NotifyChild.Start(count: 0);
        using var notifier = new SeccompNotifier(child.ReceiveListener(), ViolationAction.Errno);

        bool handledAnything = false;
        while (notifier.WaitForNotification(TimeSpan.FromSeconds(10)) != ListenerState.Closed)
        {
            handledAnything |= notifier.TryHandleNext(out _); // the unknown syscall 1000
        }

        Assert.True(handledAnything);
        Assert.False(notifier.TryHandleNext(out int number)); // nothing pending, filter gone: no block
        Assert.Equal(-1, number);
        // Why it cannot block: the listener is non-blocking, and every receive is preceded by a zero-timeout poll.
        Assert.NotEqual(0, Interop.Libc.FcntlInt((int)notifier.Listener.DangerousGetHandle(), Interop.Libc.FGetFl, 0) & Interop.Libc.ONonBlock);
        child.WaitForExit();
    }

    [Theory]
    [InlineData(0, 1)]        // read: a known number → EPERM
    [InlineData(101, 1)]
    [InlineData(499, 38)]     // beyond Cordon's table (newer than the profiles) → ENOSYS, like an older kernel
    [InlineData(470, 38)]     // newer than the table
    [InlineData(-1, 38)]
    public void Known_numbers_get_EPERM_and_unknown_ones_ENOSYS(int number, int errno)
        => Assert.Equal(errno, SeccompNotifier.ErrnoFor(number));

    /// <summary>The notify-child helper with one end of a socket pair and the sealed program memfd.</summary>
    private sealed class NotifyChild : IDisposable
    {
        private readonly SafeFileHandle _socket;

        private NotifyChild(System.Diagnostics.Process process, SafeFileHandle socket) => (Process, _socket) = (process, socket);

        internal System.Diagnostics.Process Process { get; }

        internal static NotifyChild Start(int count, SyscallProfile profile = SyscallProfile.Default)
        {
            SandboxPolicyBuilder builder = new();
            builder = profile == SyscallProfile.Custom ? builder.WithCustomSyscalls(["brk", "getrandom", "mmap", "newfstatat"]) /* printf and malloc */ : builder.WithSyscallProfile(profile);
            SeccompProgram program = SeccompFilterCompiler.Compile(builder.Build().Syscalls, NetworkMode.None);
            (SafeFileHandle mine, SafeFileHandle theirs) = Interop.Libc.SocketPair(seqPacket: true);
            using SafeFileHandle bpf = program.CreateSealedMemfd();
            using (theirs)
            {
                // Inherited only by this child: the collection runs process-starting tests one at a time.
                Assert.Equal(0, Interop.Libc.SetCloseOnExec(theirs, false));
                Assert.Equal(0, Interop.Libc.SetCloseOnExec(bpf, false));
                var psi = new ProcessStartInfo(NativeTestPrograms.HostPath(NativeTestPrograms.NotifyChild))
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                psi.ArgumentList.Add(theirs.DangerousGetHandle().ToString());
                psi.ArgumentList.Add(bpf.DangerousGetHandle().ToString());
                psi.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("cannot start notify-child");
                return new NotifyChild(process, mine);
            }
        }

        /// <summary>Waits for the listener the child sends.</summary>
        internal SafeFileHandle ReceiveListener()
        {
            int revents = Interop.Libc.PollSingle(_socket, Interop.Libc.PollIn, 10_000);
            Assert.True(revents > 0, $"the child sent no listener (exit {(Process.HasExited ? Process.ExitCode : -1)})");
            SafeFileHandle listener = Interop.Libc.ReceiveFd(_socket);
            Assert.False(listener.IsInvalid, $"ReceiveFd: errno {Marshal.GetLastPInvokeError()}");
            int fdFlags = Interop.Libc.FcntlInt((int)listener.DangerousGetHandle(), 1 /* F_GETFD */, 0);
            Assert.Equal(1 /* FD_CLOEXEC: MSG_CMSG_CLOEXEC */, fdFlags);
            return listener;
        }

        internal string WaitForExit()
        {
            string output = Process.StandardOutput.ReadToEnd();
            string errors = Process.StandardError.ReadToEnd();
            Assert.True(Process.WaitForExit(30_000), "notify-child did not exit");
            Assert.True(Process.ExitCode == 0, $"notify-child exit {Process.ExitCode}: {errors}");
            return output;
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill();
            Process.Dispose();
            _socket.Dispose();
        }
    }
}
