using System.Diagnostics;
using System.Runtime.InteropServices;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Supervision;
using Cordon.Errors;
using Cordon.Output;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// One pre-built sandbox: its run uid taken, its cgroup made and limited, bwrap's namespaces and mounts up, the
/// launcher's pid 1 running and its child (Landlock applied, no_new_privs, the seccomp program read) blocked on the
/// command socket. Used by one run at most, then torn down like a cold run's chain: nothing of it is reused.
/// </summary>
/// <remarks>
/// A member of a shape that grants a work directory has one of its own (<see cref="WorkDirectory"/>), made fresh for it
/// and bound at <c>/work</c> as a cold run binds its policy's: the shape's own path is never bound. It is removed with
/// the member, unless a lease took it over (<see cref="TakeWorkDirectory"/>) to fill it before the run.
/// </remarks>
internal sealed class WarmMember : IDisposable
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan InitKillGrace = TimeSpan.FromMilliseconds(500);

    private readonly RunResources _resources;
    private readonly Lock _gate = new();
    private bool _reaped;
    private bool _disposed;
    private PrivateWorkDirectory? _ownedDirectory;

    private WarmMember(RunResources resources) => _resources = resources;

    public required int BwrapPid { get; init; }
    public required SafeFileHandle Pidfd { get; init; }
    public required LaunchPlan Plan { get; init; }
    public required PlanHandles Handles { get; init; }
    public required RunCgroupHandle? Cgroup { get; init; }
    public required Identity.RunIdentity? Identity { get; init; }
    public required SafeFileHandle StatusRead { get; init; }
    public required LauncherStatus Status { get; init; }
    public required BwrapInfo Info { get; init; }

    /// <summary>The supervisor's end of the socket the seccomp listener arrives on.</summary>
    public required SafeFileHandle SeccompSocket { get; init; }

    /// <summary>The supervisor's end of the command socket.</summary>
    public required SafeFileHandle CommandSocket { get; init; }

    /// <summary>The plan's and the cgroup's warnings, as a cold run's result carries them.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>The member's own work directory (bound at <c>/work</c>), or null when the shape has none.</summary>
    public PrivateWorkDirectory? WorkDirectory { get; private init; }

    /// <summary>The sandbox's pid 1 as the host sees it.</summary>
    public int InitPid => Info.ChildPid ?? 0;

    /// <summary>When the member became ready (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long ReadyAt { get; private set; }

    /// <summary>Whether the chain is still there, waiting (its pidfd is not readable).</summary>
    public unsafe bool IsAlive
    {
        get
        {
            if (Pidfd.IsClosed) return false;
            var fd = new Interop.Libc.PollFd { Fd = Interop.FileDescriptors.Number(Pidfd), Events = Interop.Libc.PollIn };
            return Interop.Libc.Poll(&fd, 1, 0) == 0;
        }
    }

    /// <summary>Builds a member of <paramref name="shape"/>; on the pool's own thread, whose exit the chain's parent-death signal follows.</summary>
    /// <exception cref="SandboxSetupException">Building failed (what a cold run of the shape would report, or the launcher's own error).</exception>
    public static WarmMember Build(ProcessSandbox sandbox, SandboxPolicy shape, TimeSpan timeout)
    {
        var resources = new RunResources();
        int pid = 0;
        WarmMember? member = null;
        PrivateWorkDirectory? directory = null;
        try
        {
            if (shape.WorkDirectoryHostPath is not null)
            {
                directory = PrivateWorkDirectory.Create();
                shape = new SandboxPolicyBuilder(shape).WithWorkDirectory(directory.Path).Build();
            }

            bool isRoot = Interop.Libc.GetEuid() == 0;
            Identity.RunIdentity? identity = isRoot ? resources.Add(sandbox.Identities.Acquire()) : null;
            RunCgroupHandle? cgroup = RunCgroupHandle.Create(shape, out string? noCgroupReason);
            if (cgroup is not null) resources.Add(cgroup);
            LaunchPlan plan = LaunchPlanner.Build(shape, PolicyShape.Placeholder,
                sandbox.HostFacts(shape, identity is null ? null : (identity.Uid, identity.Gid), cgroup?.Facts, noCgroupReason));
            List<string> warnings = [.. plan.Warnings];
            if (cgroup is not null) warnings.AddRange(cgroup.Apply(plan.Cgroup!));

            var handles = new PlanHandles(plan, PolicyShape.Placeholder, resources, identity);
            SafeFileHandle devNull = resources.Add(Interop.FileDescriptors.OpenDevNull());
            var setupErrors = resources.Pipe();
            var status = resources.Pipe();
            var info = resources.Pipe();
            var bpf = resources.Pipe(nonBlockingRead: false);
            var (seccompSupervisor, seccompLauncher) = Interop.Libc.SocketPair(seqPacket: true);
            resources.Add(seccompSupervisor);
            resources.Add(seccompLauncher);
            var (commandSupervisor, commandLauncher) = Interop.Libc.SocketPair(seqPacket: true);
            resources.Add(commandSupervisor);
            resources.Add(commandLauncher);

            int commandFd = plan.Descriptors.Max(d => d.Number) + 1;
            List<(SafeHandle, int)> fds = [];
            foreach (PlannedDescriptor row in plan.Descriptors)
            {
                SafeHandle handle = row.Role switch
                {
                    // Until the command arrives the chain's stdio goes nowhere; bwrap's own errors go to a pipe read below.
                    DescriptorRole.StandardInput or DescriptorRole.StandardOutput => devNull,
                    DescriptorRole.StandardError => setupErrors.Write,
                    DescriptorRole.LauncherStatus => status.Write,
                    DescriptorRole.SeccompListener => seccompLauncher,
                    DescriptorRole.SeccompFilter => bpf.Read,
                    DescriptorRole.BwrapOptions => resources.SealedFile("cordon-bwrap-args", plan.BwrapOptionsFile()),
                    DescriptorRole.BwrapInfo => info.Write,
                    _ => handles.For(row),
                };
                fds.Add((handle, row.Number));
            }

            fds.Add((commandLauncher, commandFd));
            pid = ChainSpawner.Spawn(WarmArgv(plan.Argv, commandFd), fds);
            SafeFileHandle pidfd = resources.Add(Interop.FileDescriptors.OpenPidfd(pid));
            resources.CloseChildEnds(setupErrors.Write, status.Write, info.Write, bpf.Read, seccompLauncher, commandLauncher);
            RunResources.Fill(bpf.Write, SeccompSetup.Compile(shape), readerMayBeGone: true);

            member = new WarmMember(resources)
            {
                BwrapPid = pid,
                Pidfd = pidfd,
                Plan = plan,
                Handles = handles,
                Cgroup = cgroup,
                Identity = identity,
                StatusRead = status.Read,
                Status = new LauncherStatus(),
                Info = new BwrapInfo(),
                SeccompSocket = seccompSupervisor,
                CommandSocket = commandSupervisor,
                Warnings = warnings,
                WorkDirectory = directory,
            };
            member._ownedDirectory = directory;
            member.WaitUntilReady(info.Read, setupErrors.Read, timeout);
            return member;
        }
        catch
        {
            if (member is not null)
            {
                member.Dispose();
                throw;
            }

            if (pid > 0)
            {
                Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
                Interop.Libc.WaitPid(pid, out _, 0);
            }

            resources.Dispose();
            directory?.Dispose();
            throw;
        }
    }

    /// <summary>Hands the member's work directory to a lease, which removes it when disposed; the member no longer does.</summary>
    public PrivateWorkDirectory? TakeWorkDirectory()
    {
        lock (_gate)
        {
            PrivateWorkDirectory? directory = _ownedDirectory;
            _ownedDirectory = null;
            return directory;
        }
    }

    /// <summary>The plan's argv with <c>--command-fd</c> for init and no guest program after init's <c>--</c>.</summary>
    internal static List<string> WarmArgv(IReadOnlyList<string> argv, int commandFd)
    {
        int init = -1;
        for (int i = 0; i + 1 < argv.Count; i++)
        {
            if (argv[i] == LaunchCommandLine.GuestLauncherPath && argv[i + 1] == "init") { init = i + 1; break; }
        }

        if (init < 0 || argv[^1] != PolicyShape.Placeholder.Program || argv[^2] != "--")
            throw new InvalidOperationException("internal: the plan's argv has no launcher init stage to make warm");
        List<string> warm = [.. argv.Take(init + 1), "--command-fd", commandFd.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        warm.AddRange(argv.Skip(init + 1).Take(argv.Count - init - 2));
        return warm;
    }

    /// <summary>Reads the status pipe until R and bwrap's info document to its end; anything else is a failed build.</summary>
    private unsafe void WaitUntilReady(SafeFileHandle infoRead, SafeFileHandle setupErrors, TimeSpan timeout)
    {
        byte[] buffer = new byte[4096];
        var clock = Stopwatch.StartNew();
        bool infoOpen = true, statusOpen = true, exited = false;
        var errors = new CappedOutputBuffer(16 * 1024);
        Interop.Libc.PollFd* fds = stackalloc Interop.Libc.PollFd[4];
        while (!(Status.Ready && !infoOpen))
        {
            if (exited || !statusOpen || Status.Failure is not null || clock.Elapsed > timeout) break;
            int count = 0;
            int iStatus = count++;
            fds[iStatus] = new() { Fd = Interop.FileDescriptors.Number(StatusRead), Events = Interop.Libc.PollIn };
            int iInfo = infoOpen ? count++ : -1;
            if (iInfo >= 0) fds[iInfo] = new() { Fd = Interop.FileDescriptors.Number(infoRead), Events = Interop.Libc.PollIn };
            int iPid = count++;
            fds[iPid] = new() { Fd = Interop.FileDescriptors.Number(Pidfd), Events = Interop.Libc.PollIn };
            int iErr = count++;
            fds[iErr] = new() { Fd = Interop.FileDescriptors.Number(setupErrors), Events = Interop.Libc.PollIn };
            Interop.Libc.Poll(fds, (nuint)count, 100);
            if (fds[iStatus].REvents != 0) statusOpen = Drain(StatusRead, buffer, Status.Feed);
            if (iInfo >= 0 && fds[iInfo].REvents != 0)
            {
                infoOpen = Drain(infoRead, buffer, bytes => Info.Feed(bytes));
                if (!infoOpen) Info.Complete();
            }

            if (fds[iErr].REvents != 0) Drain(setupErrors, buffer, bytes => errors.Append(bytes));
            if (fds[iPid].REvents != 0) exited = true;
        }

        if (Status.Ready && !infoOpen && Info.ChildPid is not null && !exited)
        {
            ReadyAt = Stopwatch.GetTimestamp();
            return;
        }

        Drain(setupErrors, buffer, bytes => errors.Append(bytes));
        if (Status.Failure is { } failure)
        {
            throw new SandboxSetupException($"warm sandbox: launcher {failure.Step}",
                $"{Marshal.GetPInvokeErrorMessage(failure.Errno)} (errno {failure.Errno})", LauncherHints.For(failure.Step));
        }

        string message = UntrustedText.LastLine(errors.ToCapturedOutput().Bytes.Span);
        throw new SandboxSetupException("warm sandbox", clock.Elapsed > timeout ? $"not ready within {timeout.TotalSeconds:0.#} s"
            : message.Length > 0 ? message : "bubblewrap exited before the sandbox was ready", "run cordon doctor; a cold run of the same policy shows the failing step");
    }

    private delegate void Sink(ReadOnlySpan<byte> bytes);

    /// <summary>Reads what is available; false at end of file.</summary>
    private static bool Drain(SafeFileHandle pipe, byte[] buffer, Sink sink)
    {
        while (true)
        {
            int n = Interop.FileDescriptors.ReadAvailable(pipe, buffer);
            if (n == 0) return false;
            if (n < 0) return true;
            sink(buffer.AsSpan(0, n));
        }
    }

    private unsafe void WaitForExit(TimeSpan timeout)
    {
        var fd = new Interop.Libc.PollFd { Fd = Interop.FileDescriptors.Number(Pidfd), Events = Interop.Libc.PollIn };
        Interop.Libc.Poll(&fd, 1, (int)timeout.TotalMilliseconds);
    }

    /// <summary>The run's supervisor reaped bwrap: the pid is no longer this member's to signal or wait for.</summary>
    public void MarkReaped()
    {
        lock (_gate) _reaped = true;
    }

    /// <summary>
    /// Tears the member down as a cold run's chain ends: pid 1 killed (so bwrap's monitor reaps it), the cgroup killed,
    /// bwrap reaped, the cgroup removed, every descriptor closed, and the run uid given back last.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (!_reaped)
            {
                // pid 1 first, and bwrap's monitor left to reap it: killed together, pid 1 would be orphaned to the host's
                // init as a zombie (the cold run's supervisor kills in the same order).
                if (SandboxInit.Kill(BwrapPid, Info.ChildPid)) WaitForExit(InitKillGrace);
                Cgroup?.KillAll();
                Interop.Libc.KillProcess(BwrapPid, Interop.Libc.SigKill);
                var clock = Stopwatch.StartNew();
                // The pid is our unreaped child, so it cannot have been reused; SIGKILL makes the wait short.
                while (Interop.Libc.WaitPid(BwrapPid, out _, 0) < 0 && Marshal.GetLastPInvokeError() == Interop.Errno.EINTR && clock.Elapsed < KillGrace) { }
                _reaped = true;
            }

            _resources.Dispose();
            // After the chain is gone: nothing of the sandbox can be writing into it any more.
            _ownedDirectory?.Dispose();
            _ownedDirectory = null;
        }
    }
}
