using System.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// Pre-built process-tier sandboxes for one policy shape: a run whose policy has the shape takes a member that is
/// already built (namespaces, mounts, cgroup, run uid, Landlock, seccomp program) and only sends it the command; any
/// other run, or one that finds no member ready, runs cold on the same <see cref="ProcessSandbox"/>. Either way the
/// result, events, limits and cleanup are those of a cold run.
/// </summary>
/// <remarks>
/// <para>A member serves one run and is then torn down (its cgroup removed, its uid given back); a fresh one is built
/// in the background. Idle members are at most <see cref="WarmPoolOptions.Size"/>, are reaped after
/// <see cref="WarmPoolOptions.IdleTimeout"/>, and one that dies while idle is replaced. What the shape covers is in
/// <see cref="PolicyShape"/>: everything but the command (argv, environment, working directory, stdin/stdout/stderr,
/// inherited descriptors) and what only the supervisor enforces (wall time, output cap, network allowlist).</para>
/// <para>Members are built on the pool's own thread, which lives until <see cref="Dispose"/>: the launch chain's
/// parent-death signal follows the thread that spawned it, so a process that dies takes its members with it.
/// Disposing kills every idle member, cancels the runs in flight and waits for their cleanup.</para>
/// <para><b>Work directories.</b> A run that grants a host directory at <c>/work</c> fills it before the run, so it
/// cannot take a member built earlier over that directory; the door for such runs is <see cref="Lease"/>. A member
/// of a shape that grants a work directory is built with a directory of its own instead of the shape's: made fresh by
/// <c>mkdtemp</c> (a name that did not exist, mode 0700, this process's user), bound at <c>/work</c> exactly as a cold
/// run binds its policy's (as root through the launcher's idmapped clone, so the guest's writes land owned by the
/// directory's owner). The lease hands that directory to the caller to fill (and, say, to compile into with other,
/// cold sandboxes granting it), then runs the command on the member. With no member of the shape ready the lease
/// makes a fresh private directory the same way and the run is cold. What keeps one run's things from the next: a
/// member serves one run and a directory one lease, never reused; while a member waits, nothing but the launcher
/// runs inside it (its child is blocked on the command socket before any guest code exists), so the guest cannot
/// reach the directory before its command; the directory is removed when the lease is disposed, after the member's
/// processes and cgroup are gone, whether the lease ran or not; disposing the pool tears down the members of leases
/// not yet run (their runs then go cold over the same directory). The shape key (<see cref="PolicyShape"/>) treats
/// the directory's host path as a per-run grant; its presence, writability and disk-budget layer stay in the key.
/// With a disk budget (as root) the directory is the lower layer of the member's overlay, filled after the overlay
/// was made: nothing in the sandbox has looked inside it before the command, so the guest sees the files as written.
/// A plain <see cref="Run"/> or <see cref="RunAsync"/> of a policy that grants a work directory always runs cold.</para>
/// </remarks>
/// <example>
/// <code>
/// using var pool = new WarmSandboxPool(SandboxPolicy.Default, new WarmPoolOptions { Size = 4 });
/// SandboxResult result = await pool.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"));
/// </code>
/// </example>
public sealed class WarmSandboxPool : ISandboxBackend, IDisposable
{
    private static readonly TimeSpan LivenessInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ProcessSandbox _sandbox;
    private readonly WarmPoolOptions _options;
    private readonly string _shapeKey;
    private readonly SandboxPolicy _shapeAtPlaceholder;
    private readonly Lock _gate = new();
    private readonly List<WarmMember> _idle = [];
    private readonly HashSet<WarmMember> _leased = [];
    private readonly Thread _keeper;
    private readonly SafeFileHandle _wakeRead;
    private readonly SafeFileHandle _wakeWrite;
    private readonly CancellationTokenSource _disposing = new();
    private int _inFlight;
    private bool _wanted = true;
    private bool _disposed;
    private long _retryAt;
    private long _built, _warmRuns, _coldRuns, _buildFailures, _reapedIdle, _replacedDead;
    private string? _lastBuildFailure;

    /// <summary>A pool of <paramref name="shape"/> over a new <see cref="ProcessSandbox"/> with <paramref name="backend"/> options.</summary>
    public WarmSandboxPool(SandboxPolicy shape, WarmPoolOptions? options = null, ProcessBackendOptions? backend = null)
        : this(new ProcessSandbox(backend), shape, options)
    {
    }

    /// <summary>A pool of <paramref name="shape"/> whose members and cold runs are <paramref name="sandbox"/>'s.</summary>
    /// <exception cref="PolicyValidationException">The shape cannot be pre-built (for example it copies a host file in).</exception>
    public WarmSandboxPool(ProcessSandbox sandbox, SandboxPolicy shape, WarmPoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(shape);
        _options = options ?? WarmPoolOptions.Default;
        _options.Validate();
        ProcessSandbox.Validate(shape, PolicyShape.Placeholder);
        if (PolicyShape.WhyNotWarm(shape) is { } why) throw PolicyValidationException.Create([new PolicyError("pool", why)]);
        _sandbox = sandbox;
        Shape = shape;
        _shapeKey = PolicyShape.KeyOf(sandbox, shape);
        // A lease's policy before its directory is chosen: equal to this, it has the shape without computing its key.
        _shapeAtPlaceholder = shape.WorkDirectoryHostPath is null ? shape : new SandboxPolicyBuilder(shape).WithWorkDirectory(PolicyShape.WorkDirectoryPlaceholder).Build();
        (_wakeRead, _wakeWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: true);
        Interop.FileDescriptors.SetNonBlocking(_wakeWrite);
        _keeper = new Thread(Keep) { IsBackground = true, Name = "cordon-warm-pool" };
        _keeper.Start();
    }

    /// <inheritdoc />
    public string Name => "process";

    /// <summary>The policy the members are built for.</summary>
    public SandboxPolicy Shape { get; }

    /// <summary>What the pool has done so far.</summary>
    public WarmPoolStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new WarmPoolStatistics(_idle.Count, _built, _warmRuns, _coldRuns, _buildFailures, _reapedIdle, _replacedDead, _lastBuildFailure);
            }
        }
    }

    /// <summary>Whether a run of <paramref name="policy"/> may take a member (the shape keys are equal).</summary>
    public bool Matches(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return ReferenceEquals(policy, Shape) || policy.Equals(Shape) || policy.Equals(_shapeAtPlaceholder) || PolicyShape.KeyOf(_sandbox, policy) == _shapeKey;
    }

    /// <summary>Waits until <paramref name="count"/> members are ready, or <paramref name="timeout"/> passes; whether they are.</summary>
    public bool WaitForIdle(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_gate)
            {
                if (_idle.Count >= count) return true;
                if (_disposed) return false;
                _wanted = true;
            }

            if (clock.Elapsed >= timeout) return false;
            Wake();
            Thread.Sleep(10);
        }
    }

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ProcessSandbox.Validate(policy, command);
        return WarmOrColdAsync(policy.WorkDirectoryHostPath is null ? Take(policy) : null, policy, command, cancellationToken);
    }

    /// <summary>As <see cref="ProcessSandbox.Run"/>: on the calling thread, warm when a member is ready.</summary>
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ProcessSandbox.Validate(policy, command);
        return WarmOrCold(policy.WorkDirectoryHostPath is null ? Take(policy) : null, policy, command, cancellationToken);
    }

    /// <summary>
    /// Leases a work directory for one run of <paramref name="policy"/> (its own work directory, if any, is replaced
    /// by the lease's): a ready member's own directory when one of the policy's shape is ready (the run will be
    /// warm), otherwise a fresh private directory (the run will be cold). Fill <see cref="WarmLease.WorkDirectory"/>,
    /// then run the command through the lease; disposing the lease removes the directory and, if it never ran, the member.
    /// </summary>
    /// <exception cref="PolicyValidationException">The policy is invalid.</exception>
    /// <exception cref="IOException">A fresh directory could not be made.</exception>
    public WarmLease Lease(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy = new SandboxPolicyBuilder(policy).WithWorkDirectory(PolicyShape.WorkDirectoryPlaceholder).Build();
        ProcessSandbox.Validate(policy, PolicyShape.Placeholder);
        WarmMember? member = Take(policy, forLease: true);
        PrivateWorkDirectory? directory = member?.TakeWorkDirectory();
        if (member is not null && directory is null)
        {
            // Only a shape without a work directory has members without one, and its key differs from this policy's.
            Release(member);
            member = null;
        }

        try
        {
            directory ??= PrivateWorkDirectory.Create();
        }
        catch
        {
            if (member is not null) Release(member);
            throw;
        }

        return new WarmLease(this, new SandboxPolicyBuilder(policy).WithWorkDirectory(directory.Path).Build(), member, directory);
    }

    /// <summary>A lease's member for its run, moved to the runs in flight; null when the pool reclaimed it (disposal).</summary>
    internal WarmMember? Claim(WarmMember member)
    {
        lock (_gate)
        {
            if (!_leased.Remove(member)) return null;
            _inFlight++;
            return member;
        }
    }

    /// <summary>A lease that never ran: its member is torn down (never given to another run).</summary>
    internal void Release(WarmMember member)
    {
        lock (_gate) _leased.Remove(member);
        member.Dispose();
        Wake();
    }

    /// <summary>A lease's run: warm on <paramref name="member"/> when the lease still holds it, cold otherwise.</summary>
    internal Task<SandboxResult> RunLeasedAsync(WarmMember? member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        ProcessSandbox.Validate(policy, command);
        return WarmOrColdAsync(member is null ? null : Claim(member), policy, command, cancellationToken);
    }

    /// <summary>As <see cref="RunLeasedAsync"/>, on the calling thread.</summary>
    internal SandboxResult RunLeased(WarmMember? member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        ProcessSandbox.Validate(policy, command);
        return WarmOrCold(member is null ? null : Claim(member), policy, command, cancellationToken);
    }

    /// <summary>The run on <paramref name="member"/> (already taken for it), or cold without one.</summary>
    private Task<SandboxResult> WarmOrColdAsync(WarmMember? member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        if (member is not null) return OnSupervisorThread(member, policy, command, cancellationToken);
        Count(ref _coldRuns);
        return _sandbox.RunAsync(policy, command, cancellationToken);
    }

    /// <summary>As <see cref="WarmOrColdAsync"/>, on the calling thread.</summary>
    private SandboxResult WarmOrCold(WarmMember? member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        if (member is not null) return RunOn(member, policy, command, cancellationToken);
        Count(ref _coldRuns);
        return _sandbox.Run(policy, command, cancellationToken);
    }

    /// <summary>Test seam: the idle members' sandboxes (bwrap's pid, pid 1, the cgroup directories, the run uid).</summary>
    internal IReadOnlyList<(int BwrapPid, int InitPid, IReadOnlyList<string> Cgroup, uint? Uid)> IdleMembers()
    {
        lock (_gate) return [.. _idle.Select(m => (m.BwrapPid, m.InitPid, (IReadOnlyList<string>)(m.Cgroup?.JoinDirectories ?? []), m.Identity?.Uid))];
    }

    /// <summary>Test seam: the idle members' own work directories.</summary>
    internal IReadOnlyList<string> IdleWorkDirectories()
    {
        lock (_gate) return [.. _idle.Select(m => m.WorkDirectory?.Path).OfType<string>()];
    }

    /// <summary>Kills every idle member, cancels the runs in flight, waits for their cleanup, and stops the pool's thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }

        _disposing.Cancel();
        Wake();
        _keeper.Join();
        _disposing.Dispose();
        _wakeRead.Dispose();
        _wakeWrite.Dispose();
    }

    /// <summary>The warm run on a thread of its own (supervision blocks), as a cold <c>RunAsync</c> runs.</summary>
    private Task<SandboxResult> OnSupervisorThread(WarmMember member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<SandboxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(RunOn(member, policy, command, cancellationToken));
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

    private SandboxResult RunOn(WarmMember member, SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token))
        {
            SandboxResult? result;
            try
            {
                result = WarmRun.Execute(member, policy, command, _sandbox.Options, linked.Token);
            }
            catch
            {
                // The run's own error (a setup error the launcher reported, a failing observer): it was a warm run.
                Count(ref _warmRuns);
                throw;
            }
            finally
            {
                Retire(member);
            }

            if (result is not null)
            {
                Count(ref _warmRuns);
                return result;
            }
        }

        // The member was gone before it took the command: nothing ran, so the run goes cold.
        Count(ref _coldRuns);
        return _sandbox.Run(policy, command, cancellationToken);
    }

    /// <summary>
    /// Tears down a member whose run has ended, off the caller's path: the result is known once the guest is gone
    /// (supervision reaped bwrap and emptied the cgroup), and removing the cgroup directories and giving back the uid
    /// need not delay it. The member counts as in flight until its teardown is done, so disposing the pool still waits
    /// for it and leaves nothing behind.
    /// </summary>
    private void Retire(WarmMember member)
    {
        ThreadPool.UnsafeQueueUserWorkItem(state =>
        {
            var (pool, retired) = state;
            try
            {
                retired.Dispose();
            }
            finally
            {
                lock (pool._gate) pool._inFlight--;
                pool.Wake();
            }
        }, (this, member), preferLocal: false);
    }

    /// <summary>An idle member for this run, or null (another shape, or none ready). Always asks for a refill.</summary>
    private WarmMember? Take(SandboxPolicy policy, bool forLease = false)
    {
        bool matches = Matches(policy);
        WarmMember? taken = null;
        List<WarmMember> dead = [];
        lock (_gate)
        {
            if (_disposed) return null;
            if (matches)
            {
                _wanted = true;
                while (_idle.Count > 0 && taken is null)
                {
                    // The oldest first: it is the closest to its idle timeout.
                    WarmMember candidate = _idle[0];
                    _idle.RemoveAt(0);
                    if (candidate.IsAlive) taken = candidate;
                    else dead.Add(candidate);
                }

                if (taken is not null && forLease) _leased.Add(taken);
                else if (taken is not null) _inFlight++;
            }
        }

        foreach (WarmMember member in dead) member.Dispose();
        if (matches) Wake();
        return taken;
    }

    private void Count(ref long counter)
    {
        lock (_gate) counter++;
    }

    private void Wake() => Interop.FileDescriptors.WriteAvailable(_wakeWrite, "w"u8);

    /// <summary>The pool's thread: builds members, watches the idle ones, reaps the expired and the dead.</summary>
    private void Keep()
    {
        while (true)
        {
            List<WarmMember> discard = [];
            bool build;
            lock (_gate)
            {
                if (_disposed)
                {
                    discard.AddRange(_idle);
                    _idle.Clear();
                    // Leases not yet run lose their members (their runs go cold); their directories are theirs to remove.
                    discard.AddRange(_leased);
                    _leased.Clear();
                }
                else
                {
                    long now = Stopwatch.GetTimestamp();
                    for (int i = _idle.Count - 1; i >= 0; i--)
                    {
                        WarmMember member = _idle[i];
                        bool expired = Stopwatch.GetElapsedTime(member.ReadyAt, now) >= _options.IdleTimeout;
                        if (!expired && member.IsAlive) continue;
                        // Members reaped for idling are not rebuilt until a run asks again; dead ones are replaced.
                        if (expired)
                        {
                            _reapedIdle++;
                            _wanted = false;
                        }
                        else
                        {
                            _replacedDead++;
                        }

                        discard.Add(member);
                        _idle.RemoveAt(i);
                    }
                }

                build = !_disposed && _wanted && _idle.Count < _options.Size && Stopwatch.GetTimestamp() >= _retryAt;
            }

            foreach (WarmMember member in discard) member.Dispose();
            if (_disposing.IsCancellationRequested)
            {
                lock (_gate)
                {
                    if (_inFlight == 0) return;
                }

                WaitForWake(50);
                continue;
            }

            if (build)
            {
                BuildOne();
                continue;
            }

            WaitForWake((int)Math.Min(LivenessInterval.TotalMilliseconds, NextExpiry().TotalMilliseconds) + 1);
        }
    }

    private void BuildOne()
    {
        try
        {
            WarmMember member = WarmMember.Build(_sandbox, Shape, _options.BuildTimeout);
            lock (_gate)
            {
                _built++;
                if (!_disposed)
                {
                    _idle.Add(member);
                    return;
                }
            }

            member.Dispose();
        }
        catch (CordonException e)
        {
            // Runs go cold meanwhile, and a cold run reports the failing step itself.
            lock (_gate)
            {
                _buildFailures++;
                _lastBuildFailure = e.Message;
                _retryAt = Stopwatch.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * Stopwatch.Frequency);
            }
        }
    }

    private TimeSpan NextExpiry()
    {
        lock (_gate)
        {
            if (_idle.Count == 0) return LivenessInterval;
            TimeSpan oldest = Stopwatch.GetElapsedTime(_idle.Min(m => m.ReadyAt));
            TimeSpan left = _options.IdleTimeout - oldest;
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>Sleeps until woken, an idle member's chain exits, or <paramref name="timeoutMilliseconds"/> pass.</summary>
    private unsafe void WaitForWake(int timeoutMilliseconds)
    {
        List<SafeFileHandle> pidfds;
        lock (_gate) pidfds = [.. _idle.Select(m => m.Pidfd)];
        int count = Math.Min(pidfds.Count, 64) + 1;
        Interop.Libc.PollFd* fds = stackalloc Interop.Libc.PollFd[count];
        fds[0] = new() { Fd = Interop.FileDescriptors.Number(_wakeRead), Events = Interop.Libc.PollIn };
        // A member may be taken (and its pidfd closed by its run) while this polls: held, the number stays ours.
        bool[] held = new bool[count];
        try
        {
            for (int i = 1; i < count; i++)
            {
                pidfds[i - 1].DangerousAddRef(ref held[i]);
                fds[i] = new() { Fd = Interop.FileDescriptors.Number(pidfds[i - 1]), Events = Interop.Libc.PollIn };
            }

            Interop.Libc.Poll(fds, (nuint)count, Math.Max(0, timeoutMilliseconds));
        }
        catch (ObjectDisposedException)
        {
            // Closed since the snapshot: the next round looks again.
        }
        finally
        {
            for (int i = 1; i < count; i++)
            {
                if (held[i]) pidfds[i - 1].DangerousRelease();
            }
        }

        Span<byte> drain = stackalloc byte[64];
        while (Interop.FileDescriptors.ReadAvailable(_wakeRead, drain) > 0) { }
    }
}

/// <summary>What a <see cref="WarmSandboxPool"/> has done: members ready now, built, runs warm and cold, failures.</summary>
/// <param name="Idle">Members ready now.</param>
/// <param name="Built">Members built so far.</param>
/// <param name="WarmRuns">Runs that took a member.</param>
/// <param name="ColdRuns">Runs that went cold (another shape, or no member ready).</param>
/// <param name="BuildFailures">Members that could not be built.</param>
/// <param name="ReapedIdle">Members torn down after their idle timeout.</param>
/// <param name="ReplacedDead">Idle members found dead (killed from outside) and replaced.</param>
/// <param name="LastBuildFailure">The last build failure's message.</param>
public sealed record WarmPoolStatistics(int Idle, long Built, long WarmRuns, long ColdRuns, long BuildFailures, long ReapedIdle, long ReplacedDead, string? LastBuildFailure);
