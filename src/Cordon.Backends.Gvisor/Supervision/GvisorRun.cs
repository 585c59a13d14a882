using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cordon.Backends.Gvisor.Bundle;
using Cordon.Backends.Gvisor.Runsc;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Cgroups;
using Cordon.Backends.Process.Supervision;
using Cordon.Contracts;
using Cordon.Errors;
using Cordon.Events;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Gvisor.Supervision;

/// <summary>
/// One run under runsc: the bundle, a cgroup around runsc and everything it starts (the gofer, the Sentry and the
/// ptrace stubs that run the guest's code), the wall, CPU and output limits, and a cleanup that leaves no process,
/// state directory, bundle or cgroup behind, also after a timeout or a cancellation.
/// </summary>
internal sealed class GvisorRun
{
    /// <summary>
    /// Host tasks per guest task: the ptrace platform gives every guest address space a host stub process with up to one
    /// traced thread per Sentry thread that runs it. The guest's own limit is the Sentry's RLIMIT_NPROC; the host
    /// ceiling (this many per guest task, plus <see cref="SentryTaskHeadroom"/>) only keeps a runaway Sentry bounded.
    /// </summary>
    public const int HostTasksPerGuestTask = 64;

    /// <summary>Host tasks for runsc, the gofer and the Sentry's Go threads.</summary>
    public const int SentryTaskHeadroom = 512;

    /// <summary>The Sentry's syscall interception here (systrap is absent from this runsc build and KVM is not used).</summary>
    public const string Platform = "ptrace";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ReaderGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long the last sweep keeps killing until no process of the run is left (a safety net, not a wait time).</summary>
    private static readonly TimeSpan StrayGrace = TimeSpan.FromSeconds(30);

    private readonly SandboxPolicy _policy;
    private readonly SandboxCommand _command;
    private readonly RunEvents _events;
    private readonly List<string> _warnings;
    private readonly Lock _outputGate = new();
    private readonly CappedOutputBuffer _stdout;
    private readonly CappedOutputBuffer _stderr;
    private readonly SentryLog _log = new();
    private volatile bool _outputOver;

    private GvisorRun(SandboxPolicy policy, SandboxCommand command, RunEvents events, IEnumerable<string> warnings)
    {
        _policy = policy;
        _command = command;
        _events = events;
        _warnings = [.. warnings];
        _stdout = new CappedOutputBuffer(policy.Limits.MaxOutputBytes);
        _stderr = new CappedOutputBuffer(policy.Limits.MaxOutputBytes);
    }

    /// <summary>Why the supervisor killed the run.</summary>
    private enum Kill
    {
        None,
        WallTime,
        CpuTime,
        Output,
        Canceled,
        Signal,
    }

    /// <summary>Runs <paramref name="command"/> under runsc; the policy was assessed (refusals thrown) by the caller.</summary>
    public static SandboxResult Execute(SandboxPolicy policy, SandboxCommand command, IEnumerable<string> warnings, CancellationToken cancellationToken)
    {
        if (command.Terminal is not null)
            throw PolicyValidationException.Create([new PolicyError("terminal", "the gvisor tier runs the guest with pipes, not a terminal; drop --tty")]);
        if (!command.InheritedFiles.IsDefaultOrEmpty)
            throw PolicyValidationException.Create([new PolicyError("inherited files", "the gvisor tier hands no host descriptors to the guest; grant the file with --ro or --rw instead")]);
        string runsc = RunscBinary.Find();
        string launcher = HostTools.FindLauncher();
        var events = new RunEvents(command, "gvisor");
        return new GvisorRun(policy, command, events, warnings).Supervise(runsc, launcher, cancellationToken);
    }

    private SandboxResult Supervise(string runsc, string launcher, CancellationToken cancellationToken)
    {
        using RunDirectory run = RunDirectory.Create(_events.RunId);
        RunCgroup? cgroup = null;
        var readers = new List<Thread>();
        var handles = new List<SafeFileHandle>();
        int pid = 0;
        try
        {
            BundleWriter.Write(run, _policy, _command);
            cgroup = CreateCgroup();

            (SafeFileHandle stdoutRead, SafeFileHandle stdoutWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
            handles.AddRange([stdoutRead, stdoutWrite]);
            SafeFileHandle stderrRead = stdoutRead, stderrWrite = stdoutWrite;
            if (!_command.MergeStandardError)
            {
                (stderrRead, stderrWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
                handles.AddRange([stderrRead, stderrWrite]);
            }

            (SafeFileHandle logRead, SafeFileHandle logWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
            (SafeFileHandle statusRead, SafeFileHandle statusWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
            handles.AddRange([logRead, logWrite, statusRead, statusWrite]);
            SafeFileHandle stdin = StandardInput(handles, readers);

            string containerId = "cordon-" + _events.RunId;
            List<string> argv = [launcher, "enter", "--status-fd", "3", "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)];
            foreach (string dir in cgroup?.JoinDirectories ?? []) argv.AddRange(["--cgroup", dir]);
            argv.Add("--");
            argv.AddRange(RunscCommandLine.Run(runsc, run, containerId));

            _events.Started(_policy.Limits);
            var clock = Stopwatch.StartNew();
            pid = ChainSpawner.Spawn(argv, [(stdin, 0), (stdoutWrite, 1), (stderrWrite, 2), (statusWrite, 3), (logWrite, 4)]);
            // Only runsc holds the write ends now: their EOF is the end of every process that could write.
            foreach (SafeFileHandle end in new[] { stdoutWrite, stderrWrite, logWrite, statusWrite }) end.Dispose();

            readers.Add(Reader(stdoutRead, chunk => Captured(OutputStream.StandardOutput, chunk)));
            if (!_command.MergeStandardError) readers.Add(Reader(stderrRead, chunk => Captured(OutputStream.StandardError, chunk)));
            readers.Add(Reader(logRead, chunk => _log.Feed(chunk.Span)));
            var status = new LauncherStatus();
            readers.Add(Reader(statusRead, chunk => status.Feed(chunk.Span)));

            (Kill kill, int waitStatus, int? forwarded) = Wait(pid, run, containerId, runsc, cgroup, clock, cancellationToken);
            pid = 0;
            TimeSpan wall = clock.Elapsed;
            // runsc can exit while the Sentry still writes the guest's last output into the pipes: EOF on every pipe
            // (or the grace) comes first, then whatever is left is killed.
            var grace = Stopwatch.StartNew();
            foreach (Thread reader in readers) reader.Join(TimeSpan.FromTicks(Math.Max(0, (ReaderGrace - grace.Elapsed).Ticks)));
            KillEverything(0, cgroup, run);
            foreach (Thread reader in readers) reader.Join(ReaderGrace);

            ResourceUsage usage = ResourceUsage.None;
            bool oom = false;
            if (cgroup is not null)
            {
                try
                {
                    CgroupUsage read = cgroup.ReadUsage();
                    oom = read.OomKillCount > 0;
                    // The host's task counters count runsc's threads and the ptrace stubs, not the guest's tasks: the
                    // process limit is the Sentry's RLIMIT_NPROC, and its hits come from the Sentry's own log.
                    // A hit of the host ceiling (the Sentry could not create a stub) is the process limit firing too.
                    usage = read.ToResourceUsage() with { PeakProcesses = null, ProcessLimitHit = _log.ProcessLimitHit || read.TaskLimitHits > 0 };
                }
                catch (IOException e)
                {
                    _warnings.Add($"usage not measured: {e.Message}");
                }
            }
            else
            {
                usage = usage with { ProcessLimitHit = _log.ProcessLimitHit };
            }

            if (status.Failure is { } failure)
                throw new SandboxSetupException("gvisor-launch", $"cordon-launch failed at {failure.Step}: {Interop.Errno.Name(failure.Errno)}", "run cordon doctor");
            return _events.Finished(Decide(kill, waitStatus, forwarded, oom, usage, wall));
        }
        finally
        {
            if (pid > 0) KillEverything(pid, cgroup, run);
            foreach (SafeFileHandle handle in handles) handle.Dispose();
            Cleanup(runsc, run, cgroup);
        }
    }

    private RunCgroup? CreateCgroup()
    {
        if (!CgroupProvider.Shared.TryCreate(out RunCgroup? cgroup, out string? reason))
        {
            if (_policy.RequireCgroups)
                throw new SandboxSetupException("cgroups", reason, "run as root, or delegate a cgroup v2 subtree to this user; cordon doctor shows what is missing");
            _warnings.Add($"no cgroup ({reason}): memory is not limited, CPU time is limited only by the Sentry's RLIMIT_CPU per guest process, and usage is not measured");
            return null;
        }

        try
        {
            // The memory limit holds the guest and the Sentry that serves it (about 20 MiB for a small guest), so it is
            // never exceeded on the host; a guest gets a little less of it than in the process tier.
            cgroup.ApplyLimits(_policy.Limits.MemoryBytes,
                _policy.Limits.MaxProcesses is { } tasks ? (tasks * HostTasksPerGuestTask) + SentryTaskHeadroom : null);
            _warnings.AddRange(cgroup.Warnings);
            return cgroup;
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    /// <summary>The guest's stdin: /dev/null, the caller's descriptor, or a pipe fed with the given bytes.</summary>
    private SafeFileHandle StandardInput(List<SafeFileHandle> handles, List<Thread> threads)
    {
        if (_command.StandardInputSource is { } source) return source;
        if (_command.StandardInput is not { } bytes)
        {
            SafeFileHandle devNull = Interop.FileDescriptors.OpenDevNull();
            handles.Add(devNull);
            return devNull;
        }

        (SafeFileHandle read, SafeFileHandle write) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
        handles.Add(read);
        var writer = new Thread(() =>
        {
            try
            {
                using var stream = new FileStream(write, FileAccess.Write, 1);
                stream.Write(bytes.Span);
            }
            catch (IOException)
            {
                // The guest stopped reading (EPIPE) or the run ended: what it did not read is not its input any more.
            }
        }) { IsBackground = true, Name = "cordon-gvisor-stdin" };
        writer.Start();
        return read;
    }

    private static Thread Reader(SafeFileHandle handle, Action<ReadOnlyMemory<byte>> sink)
    {
        var thread = new Thread(() =>
        {
            byte[] buffer = new byte[64 * 1024];
            try
            {
                using var stream = new FileStream(handle, FileAccess.Read, 1);
                int n;
                while ((n = stream.Read(buffer)) > 0) sink(buffer.AsMemory(0, n));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The run is over and the descriptor was closed under us.
            }
        }) { IsBackground = true, Name = "cordon-gvisor-reader" };
        thread.Start();
        return thread;
    }

    private void Captured(OutputStream stream, ReadOnlyMemory<byte> chunk)
    {
        lock (_outputGate)
        {
            CappedOutputBuffer buffer = stream == OutputStream.StandardOutput ? _stdout : _stderr;
            ReadOnlySpan<byte> kept = buffer.Append(chunk.Span);
            _events.Output(stream, kept);
            if (buffer.Truncated && _policy.Limits.OutputAction == OutputAction.Kill) _outputOver = true;
        }
    }

    /// <summary>Waits for runsc, enforcing the wall and CPU limits, the output cap, cancellation and forwarded signals.</summary>
    private (Kill Kill, int WaitStatus, int? Forwarded) Wait(int pid, RunDirectory run, string containerId, string runsc,
        RunCgroup? cgroup, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var exited = new ManualResetEventSlim();
        int waitStatus = 0;
        var waiter = new Thread(() =>
        {
            while (Interop.Libc.WaitPid(pid, out waitStatus, 0) < 0 && Marshal.GetLastPInvokeError() == Interop.Errno.EINTR)
            {
            }

            exited.Set();
        }) { IsBackground = true, Name = "cordon-gvisor-wait" };
        waiter.Start();

        using CancellationTokenRegistration wake = cancellationToken.Register(exited.Set);
        using IDisposable? signals = _command.Signals?.Subscribe(exited.Set);
        Kill kill = Kill.None;
        TimeSpan? killAt = null;
        int? forwarded = null;
        while (!waiter.Join(0))
        {
            exited.Wait(PollInterval);
            if (!waiter.IsAlive) break;
            if (kill != Kill.None)
            {
                exited.Reset();
                continue;
            }

            if (cancellationToken.IsCancellationRequested) kill = Kill.Canceled;
            else if (_outputOver) kill = Kill.Output;
            else if (_policy.Limits.WallTime is { } wall && clock.Elapsed >= wall) kill = Kill.WallTime;
            else if (_policy.Limits.CpuTime is { } cpu && cgroup is not null && CpuTime(cgroup) >= cpu) kill = Kill.CpuTime;
            else if (killAt is { } at && clock.Elapsed >= at) kill = Kill.Signal;

            while (_command.Signals?.TryTake(out int signal) == true)
            {
                forwarded ??= signal;
                killAt ??= clock.Elapsed + _command.Signals.KillAfter;
                Forward(runsc, run, containerId, signal);
            }

            if (kill != Kill.None)
            {
                string? limit = kill switch
                {
                    Kill.WallTime => WireNames.Limit.WallTime,
                    Kill.CpuTime => WireNames.Limit.CpuTime,
                    Kill.Output => WireNames.Limit.Output,
                    _ => null,
                };
                if (limit is not null) _events.LimitReached(limit, $"{limit} limit reached; every process of the sandbox was killed");
                KillEverything(pid, cgroup, run);
            }

            exited.Reset();
        }

        return (kill, waitStatus, forwarded);
    }

    private static TimeSpan CpuTime(RunCgroup cgroup)
    {
        try
        {
            return cgroup.ReadCpuUsage();
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Passes a caller's signal to the guest's first process (runsc kill), bounded in time.</summary>
    private static void Forward(string runsc, RunDirectory run, string containerId, int signal)
        => RunscCommandLine.RunQuietly(runsc, [.. RunscCommandLine.Global(run), "kill", containerId, signal.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Kills runsc and everything it started: the cgroup when there is one, then any straggler by its command line.</summary>
    private static void KillEverything(int pid, RunCgroup? cgroup, RunDirectory run)
    {
        if (cgroup is not null && !cgroup.IsDisposed)
        {
            try
            {
                cgroup.KillAll();
            }
            catch (IOException)
            {
                // The sweep below still finds them.
            }
        }

        if (pid > 0) _ = Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
        _ = StrayProcesses.KillAll(run.Path);
    }

    /// <summary>Leaves nothing: runsc's container state, the cgroup, the bundle and state directory.</summary>
    private void Cleanup(string runsc, RunDirectory run, RunCgroup? cgroup)
    {
        if (Directory.Exists(run.State) && Directory.EnumerateFileSystemEntries(run.State).Any())
            RunscCommandLine.RunQuietly(runsc, [.. RunscCommandLine.Global(run), "delete", "--force", "cordon-" + _events.RunId]);
        AwaitNoStrays(run.Path);
        if (cgroup is not null)
        {
            cgroup.Dispose();
            if (cgroup.CleanupProblem is { } problem) _warnings.Add("cleanup: " + problem);
        }
    }

    /// <summary>
    /// Kills the run's processes outside its cgroup (<c>runsc delete</c>, or all of them without a cgroup) until none is
    /// left. A killed process still runs until the scheduler lets it exit, which on a loaded host can take far longer
    /// than any fixed pause; the run's result must not come back while one of them still shows its command line.
    /// </summary>
    private static void AwaitNoStrays(string marker)
    {
        var waited = Stopwatch.StartNew();
        while (StrayProcesses.KillAll(marker) > 0 && waited.Elapsed < StrayGrace) Thread.Sleep(10);
    }

    private SandboxResult Decide(Kill kill, int waitStatus, int? forwarded, bool oom, ResourceUsage usage, TimeSpan wall)
    {
        // runsc's own wait status is its exit code; the guest's raw wait status is in its log when the guest ended.
        int? runscExit = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : null;
        int? runscSignal = (waitStatus & 0x7f) != 0 ? waitStatus & 0x7f : null;
        int? guestExit = null, guestSignal = null;
        if (_log.WaitStatus is { } ws && runscSignal is null)
        {
            if ((ws & 0x7f) == 0) guestExit = (ws >> 8) & 0xff;
            else guestSignal = ws & 0x7f;
        }
        else if (runscSignal is not null)
        {
            guestSignal = runscSignal;
        }
        else if (runscExit is { } code && code != 128)
        {
            guestExit = code;
        }

        bool endedBadly = kill != Kill.None || guestSignal is not null || (guestExit ?? 0) != 0;
        (SandboxOutcome outcome, int? exitCode, int? signal, string? detail) = kill switch
        {
            Kill.Signal or Kill.Canceled when forwarded is { } sig => (SandboxOutcome.Canceled, null, sig,
                $"canceled by signal {sig}: forwarded to the guest, then every process of the sandbox was killed"),
            Kill.Canceled => (SandboxOutcome.Canceled, null, 9, "canceled by the caller; every process of the sandbox was killed"),
            Kill.Output => (SandboxOutcome.OutputExceeded, null, 9, "killed at the output limit"),
            _ when oom && endedBadly => (SandboxOutcome.MemoryExceeded, guestExit, guestSignal ?? 9,
                "the out-of-memory killer fired inside the memory limit (the sandbox's cgroup: the guest and the Sentry that serves it)"),
            _ when usage.ProcessLimitHit && endedBadly => (SandboxOutcome.ProcessLimitExceeded, guestExit, guestSignal,
                "fork/clone failed at the process limit (the Sentry's RLIMIT_NPROC)"),
            Kill.CpuTime => (SandboxOutcome.CpuTimeExceeded, null, 9, "killed at the CPU-time limit"),
            _ when guestSignal == 24 => (SandboxOutcome.CpuTimeExceeded, null, 24, "killed at the CPU-time limit (the Sentry's RLIMIT_CPU)"),
            Kill.WallTime => (SandboxOutcome.WallTimeExceeded, null, 9, "killed at the wall-clock limit"),
            _ => Ended(guestExit, guestSignal, forwarded),
        };

        if (_log.Panic is { } panic) detail = (detail is null ? "" : detail + "; ") + "the Sentry panicked: " + panic;
        SandboxResult result = new(outcome, exitCode, signal, wall, usage, _stdout.ToCapturedOutput(), _stderr.ToCapturedOutput(),
            [], [.. _warnings], _policy.Limits, detail)
        {
            Details = new GvisorDetails(Platform, _log.UnsupportedSyscalls, GvisorDetails.RefusalsNotReported),
        };
        return result;
    }

    private (SandboxOutcome, int?, int?, string?) Ended(int? guestExit, int? guestSignal, int? forwarded)
    {
        if (forwarded is { } sig)
            return (SandboxOutcome.Canceled, null, sig, $"canceled by signal {sig}: forwarded to the guest, which ended within the grace period");
        if (_log.WaitStatus is null && _log.Fatal is { } fatal)
        {
            // runsc could not start the program: the loader's message names the errno.
            if (fatal.Contains("failed to load", StringComparison.Ordinal))
            {
                bool missing = fatal.Contains("no such file or directory", StringComparison.Ordinal);
                return (SandboxOutcome.ExecFailed, missing ? 127 : 126, null,
                    $"program {(missing ? "not found inside the sandbox" : "cannot be executed inside the sandbox")} ({LoaderReason(fatal)})");
            }

            throw new SandboxSetupException("runsc", $"runsc could not start the sandbox: {fatal}", "run cordon doctor; CORDON_RUNSC selects another runsc build");
        }

        if (guestSignal is { } signal) return (SandboxOutcome.Signaled, null, signal, null);
        if (guestExit is { } code) return (SandboxOutcome.Exited, code, null, null);
        throw new SandboxSetupException("runsc", "runsc ended without a status for the guest", "run cordon doctor");
    }

    private static string LoaderReason(string fatal)
    {
        int at = fatal.LastIndexOf("failed to load", StringComparison.Ordinal);
        return fatal[at..];
    }
}
