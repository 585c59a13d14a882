using System.Collections.Immutable;
using System.Diagnostics;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Seccomp;
using Cordon.Backends.Process.Supervision;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

/// <summary>
/// The OS-level process tier: bubblewrap namespaces and mounts, a seccomp allowlist with named violations,
/// Landlock, a per-run cgroup, rlimits, no_new_privs and no capabilities, around one untrusted command.
/// </summary>
/// <example>
/// <code>
/// var sandbox = new ProcessSandbox();
/// SandboxResult result = await sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("python3", ["-c", "print(1+1)"]));
/// </code>
/// </example>
public sealed partial class ProcessSandbox : ISandboxBackend
{
    /// <summary>Tasks of the launch chain itself inside the run's cgroup (bwrap's monitor and the launcher as pid 1).</summary>
    internal const int SupervisionTasks = 2;

    /// <summary>Largest host file <see cref="MountKind.CopiedFile"/> copies in.</summary>
    internal const long MaxCopiedFileBytes = 64L * 1024 * 1024;

    private readonly ProcessBackendOptions _options;
    private readonly Identity.RunIdentityPool _identities;

    /// <summary>Creates the tier with <paramref name="options"/> (default: <see cref="ProcessBackendOptions.Default"/>).</summary>
    public ProcessSandbox(ProcessBackendOptions? options = null)
    {
        _options = options ?? ProcessBackendOptions.Default;
        _identities = new Identity.RunIdentityPool(_options.RunIdentities);
    }

    /// <inheritdoc />
    public string Name => "process";

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ValidateArguments(policy, command);
        var completion = new TaskCompletionSource<SandboxResult>(TaskCreationOptions.RunContinuationsAsynchronously);

        // A dedicated thread per run: it blocks in poll(2), and it must outlive the spawned chain because the
        // launcher's parent-death signal fires when the spawning thread exits.
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(Supervise(policy, command, cancellationToken));
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        { IsBackground = true, Name = "cordon-supervisor" };
        thread.Start();
        return completion.Task;
    }

    private static void ValidateArguments(SandboxPolicy policy, SandboxCommand command)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(command);
        if (SyscallNameCheck.Errors(policy.Syscalls) is { IsEmpty: false } unknownNames) throw PolicyValidationException.Create(unknownNames);
        Tier.ProcessTier.Assessment(policy).ThrowIfRefused();
        HashSet<int> seen = [];
        foreach (InheritedFile file in command.InheritedFiles)
        {
            if (file.GuestFd is < 3 or > 254)
                throw PolicyValidationException.Create([new PolicyError("fd", $"guest descriptor {file.GuestFd} is out of range; use 3 to 254")]);
            if (!seen.Add(file.GuestFd))
                throw PolicyValidationException.Create([new PolicyError("fd", $"guest descriptor {file.GuestFd} is handed in twice")]);
            if (file.Handle.IsInvalid || file.Handle.IsClosed)
                throw PolicyValidationException.Create([new PolicyError("fd", $"the handle for guest descriptor {file.GuestFd} is closed")]);
        }

        if (command.StandardInput is not null && command.StandardInputSource is not null)
            throw PolicyValidationException.Create([new PolicyError("stdin", "give StandardInput or StandardInputSource, not both")]);
        if (command.WorkingDirectory is { } cwd && !cwd.StartsWith('/'))
            throw PolicyValidationException.Create([new PolicyError("chdir", $"the working directory '{cwd}' must be an absolute path inside the sandbox")]);
        if (command.StandardInputSource is { } source && (source.IsInvalid || source.IsClosed))
            throw PolicyValidationException.Create([new PolicyError("stdin", "the StandardInputSource handle is closed")]);
    }

    /// <summary>
    /// Runs <paramref name="command"/> confined by <paramref name="policy"/> on the calling thread, which blocks until
    /// the result is final. For a program that runs one sandbox and waits anyway (the CLI): it skips the supervisor
    /// thread and the thread pool a cold process would otherwise start for the continuation.
    /// </summary>
    /// <remarks>The calling thread must stay alive for the whole run: the launch chain dies with the thread that spawned it.</remarks>
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ValidateArguments(policy, command);
        return Supervise(policy, command, cancellationToken);
    }

    /// <summary>The tier's host-side settings.</summary>
    internal ProcessBackendOptions Options => _options;

    /// <summary>The run uids this sandbox hands out (as root).</summary>
    internal Identity.RunIdentityPool Identities => _identities;

    internal static void Validate(SandboxPolicy policy, SandboxCommand command) => ValidateArguments(policy, command);

    private SandboxResult Supervise(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        long runStart = Stopwatch.GetTimestamp();
        List<string> warnings = [];
        using var resources = new RunResources();
        bool isRoot = Interop.Libc.GetEuid() == 0;
        // Taken first, so it is given back last: after the cgroup's removal proved every process of the run gone.
        Identity.RunIdentity? identity = isRoot ? resources.Add(_identities.Acquire()) : null;

        // Created before the plan, which names its directories; the plan's limits are written into it below.
        RunCgroupHandle? cgroup = RunCgroupHandle.Create(_options.CgroupsForTesting ?? Cgroups.CgroupProvider.Shared, policy, out string? noCgroupReason);
        if (cgroup is not null) resources.Add(cgroup);

        LaunchPlan plan = LaunchPlanner.Build(policy, command,
            HostFacts(policy, identity is null ? null : (identity.Uid, identity.Gid), cgroup?.Facts, noCgroupReason));
        _options.PlanObserver?.Invoke(plan);
        warnings.AddRange(plan.Warnings);
        if (cgroup is not null) warnings.AddRange(cgroup.Apply(plan.Cgroup!));

        // From here on the plan is executed: every handle the chain gets is made for one row of its descriptor table.
        var handles = new PlanHandles(plan, command, resources, identity);
        GuestStdio stdio = GuestStdio.Create(command, resources);
        var status = resources.Pipe();
        var info = resources.Pipe();
        var wake = resources.Pipe();

        Network.ConnectProxy? connects = NetworkProxyFor(policy, _options);
        using Network.DnsStub? nameServer = connects?.NameServer;
        using SeccompChannelPair notify = SeccompChannelPair.Create(policy.Syscalls.OnViolation, synchronousWakeups: !_options.Baselines.AsynchronousSeccompWakeups, connects);
        // The filter goes through a pipe that init reads only after bwrap has built the sandbox (~10 ms): compiling it
        // after the spawn hides the compilation (a few ms in a cold process, nothing when cached) behind that work.
        var bpf = resources.Pipe(nonBlockingRead: false);
        List<(System.Runtime.InteropServices.SafeHandle, int)> fds = [];
        foreach (PlannedDescriptor row in plan.Descriptors)
        {
            System.Runtime.InteropServices.SafeHandle handle = row.Role switch
            {
                DescriptorRole.StandardInput or DescriptorRole.StandardOutput or DescriptorRole.StandardError => stdio.ChildDescriptors.Single(d => d.Fd == row.Number).Handle,
                DescriptorRole.LauncherStatus => status.Write,
                DescriptorRole.SeccompListener => notify.LauncherEnd,
                DescriptorRole.SeccompFilter => bpf.Read,
                DescriptorRole.BwrapOptions => resources.SealedFile("cordon-bwrap-args", plan.BwrapOptionsFile()),
                DescriptorRole.BwrapInfo => info.Write,
                _ => handles.For(row),
            };
            fds.Add((handle, row.Number));
        }

        var supervisor = new RunSupervisor(policy.Limits, command, cgroup, notify.Supervisor, policy.Syscalls.OnViolation);
        if (connects is not null) connects.Ledger.Observer = supervisor.NetworkRefusals.Enqueue;
        TimeSpan setup = Stopwatch.GetElapsedTime(runStart);
        Stopwatch clock = Stopwatch.StartNew();
        int pid = ChainSpawner.Spawn(plan.Argv, fds);
        TimeSpan spawn = clock.Elapsed;
        using SafeFileHandle pidfd = Interop.FileDescriptors.OpenPidfd(pid);
        resources.CloseChildEnds([.. stdio.ChildEnds, status.Write, info.Write, bpf.Read]);
        notify.CloseLauncherEnd();

        try
        {
            // On failure the write end closes empty: init reads EOF, refuses to start the guest, and the catch reaps the chain.
            RunResources.Fill(bpf.Write, SeccompSetup.Compile(policy), readerMayBeGone: true);
            using (cancellationToken.Register(() => Interop.FileDescriptors.WriteAvailable(wake.Write, "c"u8)))
            using (command.Signals?.Subscribe(() => Interop.FileDescriptors.WriteAvailable(wake.Write, "s"u8)))
            {
                supervisor.Supervise(pid, pidfd, stdio, status.Read, info.Read, wake.Read, () => cancellationToken.IsCancellationRequested, clock);
            }
        }
        catch
        {
            // A failure in the supervisor itself (or in the caller's output observer) must not leave the guest
            // running: kill the cgroup and bwrap's monitor, reap it, then let the cgroup's disposal remove the rest.
            cgroup?.KillAll();
            Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
            Interop.Libc.WaitPid(pid, out _, 0);
            throw;
        }

        SandboxResult result = BuildResult(policy, command, supervisor, cgroup, warnings, plan.Grants, handles.GrantSources, handles.Budgets, plan.LauncherPath);
        return Finish(result, supervisor, connects, nameServer, _options, setup, spawn, clock);
    }

    /// <summary>The supervisor's network proxy for <paramref name="policy"/>, or null when no socket call goes to the supervisor.</summary>
    internal static Network.ConnectProxy? NetworkProxyFor(SandboxPolicy policy, ProcessBackendOptions options)
        => SyscallProfiles.ConnectsThroughSupervisor(policy.Syscalls, policy.Network)
            ? new Network.ConnectProxy(policy.Network, new Network.NetworkLedger(), options.HostsFile, options.ResolverForTesting)
            {
                SocketCalls = SyscallProfiles.SupervisedSocketCalls(policy.Syscalls, policy.Network),
            }
            : null;

    /// <summary>
    /// The end of every run, cold or warm: the network refusals into the result, the finished event, and the timings
    /// (<paramref name="started"/>: when the guest was spawned, or its command sent, on <paramref name="clock"/>).
    /// </summary>
    internal static SandboxResult Finish(SandboxResult result, RunSupervisor supervisor, Network.ConnectProxy? connects, Network.DnsStub? nameServer,
        ProcessBackendOptions options, TimeSpan setup, TimeSpan started, Stopwatch clock)
    {
        if (connects is not null)
        {
            supervisor.EmitNetworkRefusals();
            result = result with { NetworkViolations = connects.Ledger.ToViolations() };
            if (nameServer?.StartFailure is { } noNames) result = result with { Warnings = [.. result.Warnings, noNames] };
        }

        result = supervisor.Events.Finished(result);
        if (options.TimingsObserver is { } observe)
        {
            TimeSpan execAt = supervisor.GuestExecAt == TimeSpan.Zero ? supervisor.ExitedAt : supervisor.GuestExecAt;
            observe(new RunTimings(setup, started, execAt - started, supervisor.ExitedAt - execAt, clock.Elapsed - supervisor.ExitedAt));
        }

        return result;
    }

    /// <summary>A precise error for a writable grant the launcher could not idmap (step <c>idmap-K</c>: the Kth writable grant).</summary>
    private static SandboxSetupException? IdmapFailure(string step, int errno, ImmutableArray<GrantedBind> binds, List<HostFiles.OpenedHostPath> sources)
    {
        if (!step.StartsWith("idmap-", StringComparison.Ordinal)) return null;
        string[] parts = step.Split('-');
        if (!int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k)) return null;
        int index = -1;
        for (int i = 0, seen = 0; i < binds.Length; i++)
        {
            if (binds[i].Writable && seen++ == k) { index = i; break; }
        }

        if (index < 0) return null;
        HostFiles.OpenedHostPath source = sources[index];
        string error = $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return parts.Length == 2
            ? new SandboxSetupException("writable grant",
                $"'{source.Path}' is on {source.FilesystemName}, which refuses idmapped mounts ({error}); as root Cordon needs one so the guest's files land owned by the directory's owner",
                "grant a directory on ext4, xfs, btrfs or tmpfs (for example a scratch directory, copied afterwards), grant it read-only with --ro, or run Cordon unprivileged as the directory's owner")
            : new SandboxSetupException("writable grant", $"cannot prepare '{source.Path}' ({parts[1]}): {error}", "run cordon doctor");
    }

    internal static SandboxResult BuildResult(SandboxPolicy policy, SandboxCommand command, RunSupervisor supervisor, RunCgroupHandle? cgroup, List<string> warnings,
        ImmutableArray<GrantedBind> binds, List<HostFiles.OpenedHostPath> bindSources, List<Budget.DiskBudgetLayer> budgets, string launcher)
    {
        LauncherStatus status = supervisor.Status;
        if (status.Failure is { } failure && supervisor.KillReason is null)
        {
            if (IdmapFailure(failure.Step, failure.Errno, binds, bindSources) is { } idmap) throw idmap;
            throw new SandboxSetupException($"launcher {failure.Step}",
                $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(failure.Errno)} (errno {failure.Errno})", LauncherHints.For(failure.Step));
        }

        if (!status.GuestStarted && status.ExecErrno is null && supervisor.KillReason is null)
        {
            string bwrapMessage = UntrustedText.LastLine(supervisor.StandardError.ToCapturedOutput().Bytes.Span);
            throw new SandboxSetupException("bwrap", bwrapMessage.Length > 0 ? bwrapMessage : $"bubblewrap exited with status {supervisor.BwrapExitStatus} before the guest started",
                "check the mount paths in the policy; run cordon doctor");
        }

        foreach (string w in status.Warnings) warnings.Add(LauncherHints.Warning(w));
        CgroupReading usage = cgroup?.Read() ?? CgroupReading.None;

        // Removed before the result exists, so a result always means nothing of the run is left.
        cgroup?.Dispose();
        if (cgroup?.CleanupProblem is { } problem) warnings.Add(problem);

        // Every process of the run is gone: apply each budgeted grant's writes to its host directory.
        string? fullGrant = null;
        for (int i = 0, k = 0; i < binds.Length && budgets.Count > 0; i++)
        {
            if (!binds[i].Writable) continue;
            Budget.DiskBudgetLayer layer = budgets[k++];
            if (layer.IsFull()) fullGrant ??= layer.GuestPath;
            HostFiles.OpenedHostPath source = bindSources[i];
            if (layer.CopyBack(launcher, source.Handle, source.OwnerUid, source.OwnerGid) is { } skipped) warnings.Add(skipped);
        }

        if (fullGrant is not null) warnings.Add($"{fullGrant} reached its disk budget ({Units.ByteSize.Format(policy.Limits.DiskBytes ?? 0)}, {policy.Limits.DiskInodes} files; --disk)");

        var facts = new RunFacts
        {
            SupervisorKill = supervisor.KillReason,
            GuestStarted = status.GuestStarted,
            ExecErrno = status.ExecErrno,
            ExitCode = status.ExitCode,
            Signal = status.Signal,
            OomKilled = usage.OomKilled,
            ProcessLimitHit = usage.ProcessLimitHit,
            DiskBudgetFull = fullGrant,
            CpuTime = usage.Usage.TotalCpuTime,
            CpuLimit = policy.Limits.CpuTime,
            KillingSyscall = supervisor.KillingSyscall is { } nr ? X64SyscallTable.NameOf(nr) ?? $"nr-{nr}" : null,
            BwrapExitStatus = supervisor.BwrapExitStatus,
            ForwardedSignal = supervisor.ForwardedSignal,
            SignalGrace = command.Signals?.KillAfter,
        };
        var (outcome, exitCode, signal, detail) = Verdict.Decide(facts);
        if (outcome == SandboxOutcome.ExecFailed && exitCode == 127) detail = ExecFailureHint.ForMissingLoader(policy, command.Program) ?? detail;
        ImmutableArray<SyscallViolation> violations = supervisor.Violations;

        return new SandboxResult(outcome, exitCode, signal, supervisor.WallTime, usage.Usage,
            supervisor.StandardOutput.ToCapturedOutput(), supervisor.StandardError.ToCapturedOutput(),
            violations, [.. warnings], policy.Limits, detail);
    }
}
