using System.Diagnostics;
using System.Runtime.InteropServices;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The per-run supervision loop: one thread polls the guest's output pipes, the launcher's status pipe, the seccomp
/// listener, bwrap's info pipe (which names the sandbox's pid 1), the bwrap pidfd and a wake pipe, and enforces the wall-clock, CPU and output limits.
/// Managed code runs only here, in the supervisor; the guest side is started by posix_spawn, so no managed code runs between fork and exec.
/// </summary>
internal sealed class RunSupervisor
{
    private static readonly TimeSpan CpuPollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long bwrap's monitor gets to reap a killed sandbox pid 1 and exit before everything is killed.</summary>
    private static readonly TimeSpan InitKillGrace = TimeSpan.FromMilliseconds(250);

    private readonly ResourceLimits _limits;
    private readonly SandboxCommand _command;
    private readonly ICgroupControl? _cgroup;
    private readonly ISeccompChannel? _seccomp;
    private readonly ViolationAction _violationAction;
    private readonly CappedOutputBuffer _stdout;
    private readonly CappedOutputBuffer _stderr;
    private readonly LauncherStatus _status;
    private readonly List<int> _refusedScratch = [];
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private KillReason? _killReason;
    private int? _killingSyscall;
    private int _bwrapPid;
    private readonly Bubblewrap.BwrapInfo _bwrapInfo;
    private Stopwatch _clock = new();
    private TimeSpan? _forceKillAt;
    private TimeSpan? _signalKillAt;

    /// <param name="limits">The run's limits.</param>
    /// <param name="command">The run's command.</param>
    /// <param name="cgroup">The run's cgroup, if any.</param>
    /// <param name="seccomp">The listener's channel.</param>
    /// <param name="violationAction">What a refused call does.</param>
    /// <param name="status">A warm sandbox's status so far (read while it was built); a new one for a cold run.</param>
    /// <param name="bwrapInfo">A warm sandbox's info document, already complete; a new one for a cold run.</param>
    public RunSupervisor(ResourceLimits limits, SandboxCommand command, ICgroupControl? cgroup, ISeccompChannel? seccomp, ViolationAction violationAction,
        LauncherStatus? status = null, Bubblewrap.BwrapInfo? bwrapInfo = null)
    {
        _status = status ?? new LauncherStatus();
        _bwrapInfo = bwrapInfo ?? new Bubblewrap.BwrapInfo();
        _limits = limits;
        _command = command;
        _cgroup = cgroup;
        _seccomp = seccomp;
        _violationAction = violationAction;
        _stdout = new CappedOutputBuffer(limits.MaxOutputBytes);
        _stderr = new CappedOutputBuffer(limits.MaxOutputBytes);
        Events = new Cordon.Events.RunEvents(command, "process");
    }

    /// <summary>The run's event stream (started, output, violations, limits); the sandbox emits the finish.</summary>
    public Cordon.Events.RunEvents Events { get; }

    public LauncherStatus Status => _status;
    public KillReason? KillReason => _killReason;
    public int? KillingSyscall => _killingSyscall;
    public System.Collections.Immutable.ImmutableArray<SyscallViolation> Violations => _seccomp?.Violations ?? [];
    public CappedOutputBuffer StandardOutput => _stdout;
    public CappedOutputBuffer StandardError => _stderr;
    public int? BwrapExitStatus { get; private set; }
    public TimeSpan GuestExecAt { get; private set; }
    public TimeSpan ExitedAt { get; private set; }
    public TimeSpan WallTime { get; private set; }

    /// <summary>Network refusals made on other threads (the connect proxy's, the name server's), emitted as events from this one.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<NetworkViolation> NetworkRefusals { get; } = new();

    /// <summary>The first signal forwarded from the caller (<see cref="SandboxCommand.Signals"/>), if any.</summary>
    public int? ForwardedSignal { get; private set; }

    /// <summary>Bytes streamed into the guest's stdin.</summary>
    public long StandardInputBytes { get; private set; }

    /// <summary>Supervises the spawned chain until every guest process is gone.</summary>
    /// <param name="bwrapPid">The spawned chain: cordon-launch enter, which execs bwrap (its monitor is this process), or on cgroup v2
    /// makes bwrap's process in the run's cgroup and stays as its parent, exiting as bwrap exits.</param>
    /// <param name="pidfd">bwrap's pidfd, readable when it exits.</param>
    /// <param name="stdio">The guest's streams.</param>
    /// <param name="statusRead">The launcher's status pipe.</param>
    /// <param name="infoRead">bwrap's <c>--info-fd</c> pipe, which names the sandbox's pid 1; null when it was read already (a warm sandbox).</param>
    /// <param name="wakeRead">Woken for cancellation and forwarded signals.</param>
    /// <param name="isCanceled">Whether the caller canceled.</param>
    /// <param name="clock">Started at the spawn.</param>
    public void Supervise(int bwrapPid, SafeFileHandle pidfd, GuestStdio stdio, SafeFileHandle statusRead, SafeFileHandle? infoRead, SafeFileHandle wakeRead,
        Func<bool> isCanceled, Stopwatch clock)
    {
        _bwrapPid = bwrapPid;
        _clock = clock;
        Events.Started(_limits);
        SafeFileHandle stdoutRead = stdio.OutputRead;
        SafeFileHandle? stderrRead = stdio.ErrorRead;
        StdinPump stdin = stdio.Input;
        stdin.SignalGuest = signal => GuestSignals.Forward(bwrapPid, _bwrapInfo.ChildPid, signal);
        bool stdoutOpen = true, stderrOpen = stderrRead is not null, statusOpen = true, infoOpen = infoRead is not null, exited = false;
        TimeSpan nextCpuCheck = CpuPollInterval;
        Span<Interop.Libc.PollFd> fds = stackalloc Interop.Libc.PollFd[11];
        while (!exited)
        {
            int count = 0;
            int iStdout = stdoutOpen ? Add(fds, ref count, stdoutRead, Interop.Libc.PollIn) : -1;
            int iStderr = stderrOpen ? Add(fds, ref count, stderrRead!, Interop.Libc.PollIn) : -1;
            int iStatus = statusOpen ? Add(fds, ref count, statusRead, Interop.Libc.PollIn) : -1;
            int iInfo = infoOpen ? Add(fds, ref count, infoRead!, Interop.Libc.PollIn) : -1;
            int iPid = Add(fds, ref count, pidfd, Interop.Libc.PollIn);
            int iWake = Add(fds, ref count, wakeRead, Interop.Libc.PollIn);
            int iSeccomp = _seccomp is { IsActive: true } ? Add(fds, ref count, _seccomp.PollHandle, Interop.Libc.PollIn) : -1;
            int iStdin = stdin.TargetToPoll is { } target ? Add(fds, ref count, target, Interop.Libc.PollOut) : -1;
            int iSource = stdin.SourceToPoll is { } source ? Add(fds, ref count, source, Interop.Libc.PollIn) : -1;

            int timeout = NextTimeout(clock.Elapsed, nextCpuCheck);
            PollOnce(fds[..count], timeout);

            if (iStdout >= 0 && Ready(fds[iStdout])) stdoutOpen = Drain(stdoutRead, _stdout, OutputStream.StandardOutput);
            if (iStderr >= 0 && Ready(fds[iStderr])) stderrOpen = Drain(stderrRead!, _stderr, OutputStream.StandardError);
            if (iStatus >= 0 && Ready(fds[iStatus]))
            {
                statusOpen = DrainStatus(statusRead);
                if (GuestExecAt == TimeSpan.Zero && (_status.GuestStarted || _status.ExecErrno is not null)) GuestExecAt = clock.Elapsed;
            }

            if (iInfo >= 0 && Ready(fds[iInfo])) infoOpen = DrainInfo(infoRead!);
            if (iSeccomp >= 0 && Ready(fds[iSeccomp])) HandleSeccomp((fds[iSeccomp].REvents & (Interop.Libc.PollHup | Interop.Libc.PollErr | Interop.Libc.PollNval)) != 0);
            if (iStdin >= 0 && Ready(fds[iStdin])) stdin.OnTargetReady();
            if (iSource >= 0 && Ready(fds[iSource])) stdin.OnSourceReady();

            if (iWake >= 0 && Ready(fds[iWake]))
            {
                while (Interop.FileDescriptors.ReadAvailable(wakeRead, _readBuffer) > 0) { }
                if (isCanceled()) Kill(Supervision.KillReason.Canceled);
                ForwardSignals();
            }

            if (iPid >= 0 && Ready(fds[iPid])) exited = true;
            EmitNetworkRefusals();

            TimeSpan elapsed = clock.Elapsed;
            if (_forceKillAt is { } forceAt && elapsed >= forceAt && !exited) ForceKill();
            if (_signalKillAt is { } signalAt && elapsed >= signalAt && !exited) Kill(Supervision.KillReason.Signal);
            if (_limits.WallTime is { } wall && elapsed >= wall) Kill(Supervision.KillReason.WallTime);
            if (_cgroup is not null && _limits.CpuTime is { } cpu && elapsed >= nextCpuCheck)
            {
                nextCpuCheck = elapsed + CpuPollInterval;
                if (_cgroup.ReadCpuTime() >= cpu) Kill(Supervision.KillReason.CpuTime);
            }
        }

        stdin.Dispose();
        StandardInputBytes = stdin.BytesWritten;
        ExitedAt = clock.Elapsed;
        BwrapExitStatus = Reap(bwrapPid);

        // bwrap's pid 1 is gone, so the kernel has killed the pid namespace; the cgroup kill catches anything else.
        _cgroup?.KillAll();
        WallTime = clock.Elapsed;
        DrainToEnd(stdoutRead, stderrRead, statusRead, stdoutOpen, stderrOpen, statusOpen);
    }

    /// <summary>Passes every signal the caller queued on to the guest; the first starts the grace period before the kill.</summary>
    private void ForwardSignals()
    {
        if (_command.Signals is not { } signals) return;
        while (signals.TryTake(out int signal))
        {
            ForwardedSignal ??= signal;
            _signalKillAt ??= _clock.Elapsed + signals.KillAfter;
            if (_killReason is null) GuestSignals.Forward(_bwrapPid, _bwrapInfo.ChildPid, signal);
        }
    }

    private int NextTimeout(TimeSpan elapsed, TimeSpan nextCpuCheck)
    {
        TimeSpan wait = TimeSpan.FromSeconds(1);
        if (_limits.WallTime is { } wall) wait = Min(wait, wall - elapsed);
        if (_cgroup is not null && _limits.CpuTime is not null) wait = Min(wait, nextCpuCheck - elapsed);
        if (_forceKillAt is { } forceAt) wait = Min(wait, forceAt - elapsed);
        if (_signalKillAt is { } signalAt) wait = Min(wait, signalAt - elapsed);
        return Math.Max(0, (int)Math.Ceiling(wait.TotalMilliseconds));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private bool Drain(SafeFileHandle pipe, CappedOutputBuffer buffer, OutputStream stream)
    {
        // Bounded per wake-up so one flooding stream cannot starve the deadline checks.
        for (int round = 0; round < 16; round++)
        {
            int n = Interop.FileDescriptors.ReadAvailable(pipe, _readBuffer);
            if (n == 0) return false;
            if (n < 0) return true;
            ReadOnlySpan<byte> kept = buffer.Append(_readBuffer.AsSpan(0, n));
            if (!kept.IsEmpty) Events.Output(stream, kept);
            if (buffer.Truncated && _limits.OutputAction == OutputAction.Kill)
            {
                Kill(Supervision.KillReason.Output);
            }
        }

        return true;
    }

    private bool DrainStatus(SafeFileHandle pipe)
    {
        while (true)
        {
            int n = Interop.FileDescriptors.ReadAvailable(pipe, _readBuffer);
            if (n == 0) return false;
            if (n < 0) return true;
            _status.Feed(_readBuffer.AsSpan(0, n));
        }
    }

    /// <summary>Reads bwrap's info document; at its end (bwrap closes the descriptor) the sandbox's pid 1 is known.</summary>
    private bool DrainInfo(SafeFileHandle pipe)
    {
        while (true)
        {
            int n = Interop.FileDescriptors.ReadAvailable(pipe, _readBuffer);
            if (n < 0) return true;
            if (n == 0)
            {
                _bwrapInfo.Complete();
                return false;
            }

            _bwrapInfo.Feed(_readBuffer.AsSpan(0, n));
        }
    }

    /// <summary>Emits the network refusals queued so far (the result carries their totals).</summary>
    public void EmitNetworkRefusals()
    {
        while (NetworkRefusals.TryDequeue(out NetworkViolation? refusal)) Events.NetworkViolation(refusal);
    }

    private void HandleSeccomp(bool hangUp)
    {
        _refusedScratch.Clear();
        _seccomp!.OnReadable(hangUp, _refusedScratch);
        foreach (int nr in _refusedScratch)
        {
            // On the refused-call path: the name is looked up only for someone who receives the event.
            if (Events.IsObserved) Events.Violation(Seccomp.X64SyscallTable.NameOf(nr) ?? $"nr-{nr}", nr, Contracts.WireNames.Violation(_violationAction));
            if (_violationAction == ViolationAction.Kill && _killReason is null)
            {
                _killingSyscall = nr;
                Kill(Supervision.KillReason.Syscall);
            }
        }
    }

    private void Kill(KillReason reason)
    {
        if (_killReason is not null) return;
        _killReason = reason;
        switch (reason)
        {
            case Supervision.KillReason.WallTime: Events.LimitReached(Cordon.Contracts.WireNames.Limit.WallTime, "the wall-clock limit was reached"); break;
            case Supervision.KillReason.CpuTime: Events.LimitReached(Cordon.Contracts.WireNames.Limit.CpuTime, "the CPU-time limit was reached"); break;
            case Supervision.KillReason.Output: Events.LimitReached(Cordon.Contracts.WireNames.Limit.Output, "the output cap was reached with output action kill"); break;
        }

        // The sandbox's pid 1 first, so bwrap's monitor reaps it (see SandboxInit); the loop then reaps bwrap, and the
        // cgroup kill after the loop takes anything left. If bwrap has not exited within the grace, kill everything.
        if (SandboxInit.Kill(_bwrapPid, _bwrapInfo.ChildPid))
        {
            _forceKillAt = _clock.Elapsed + InitKillGrace;
            return;
        }

        ForceKill();
    }

    private void ForceKill()
    {
        _forceKillAt = null;
        _cgroup?.KillAll();

        // Without a cgroup, killing bwrap's monitor makes the kernel kill its pid-1 child (--die-with-parent),
        // and with it the whole pid namespace.
        Interop.Libc.KillProcess(_bwrapPid, Interop.Libc.SigKill);
    }

    private void DrainToEnd(SafeFileHandle stdoutRead, SafeFileHandle? stderrRead, SafeFileHandle statusRead, bool stdoutOpen, bool stderrOpen, bool statusOpen)
    {
        var deadline = Stopwatch.StartNew();
        Span<Interop.Libc.PollFd> fds = stackalloc Interop.Libc.PollFd[3];
        while ((stdoutOpen || stderrOpen || statusOpen) && deadline.Elapsed < DrainTimeout)
        {
            int count = 0;
            int iOut = stdoutOpen ? Add(fds, ref count, stdoutRead, Interop.Libc.PollIn) : -1;
            int iErr = stderrOpen ? Add(fds, ref count, stderrRead!, Interop.Libc.PollIn) : -1;
            int iStatus = statusOpen ? Add(fds, ref count, statusRead, Interop.Libc.PollIn) : -1;
            PollOnce(fds[..count], 100);
            if (iOut >= 0 && Ready(fds[iOut])) stdoutOpen = Drain(stdoutRead, _stdout, OutputStream.StandardOutput);
            if (iErr >= 0 && Ready(fds[iErr])) stderrOpen = Drain(stderrRead!, _stderr, OutputStream.StandardError);
            if (iStatus >= 0 && Ready(fds[iStatus])) statusOpen = DrainStatus(statusRead);
        }
    }

    private static int Reap(int pid)
    {
        while (true)
        {
            int result = Interop.Libc.WaitPid(pid, out int status, 0);
            if (result == pid)
            {
                int signal = status & 0x7f;
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
            }

            if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR) return -1;
        }
    }

    private static int Add(Span<Interop.Libc.PollFd> fds, ref int count, SafeHandle handle, short events)
    {
        fds[count] = new Interop.Libc.PollFd { Fd = Interop.FileDescriptors.Number(handle), Events = events };
        return count++;
    }

    private static bool Ready(Interop.Libc.PollFd fd) => fd.REvents != 0;

    private static unsafe void PollOnce(Span<Interop.Libc.PollFd> fds, int timeoutMilliseconds)
    {
        fixed (Interop.Libc.PollFd* p = fds)
        {
            // EINTR simply ends this round early; the loop re-checks every condition.
            Interop.Libc.Poll(p, (nuint)fds.Length, timeoutMilliseconds);
        }
    }
}
