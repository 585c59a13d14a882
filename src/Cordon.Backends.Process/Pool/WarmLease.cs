using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// One run's work directory from a <see cref="WarmSandboxPool"/>, taken before the run so that the caller can fill it:
/// a ready member's own directory (the run is warm) or a fresh private one (the run is cold). Runs once; disposing it
/// removes the directory, and tears down the member if the lease never ran.
/// </summary>
/// <remarks>
/// Other sandboxes may be run over <see cref="WorkDirectory"/> before the command (for example a compile step, cold,
/// granting the same directory). The directory is this lease's alone: no other run is ever given it. Dispose the lease
/// after its run has finished: disposing removes the directory at once.
/// </remarks>
/// <example>
/// <code>
/// using WarmLease lease = pool.Lease(policy);
/// File.WriteAllText(Path.Combine(lease.WorkDirectory, "main.py"), "print(1)");
/// SandboxResult result = await lease.RunAsync(new SandboxCommand("/usr/bin/python3", ["main.py"]));
/// </code>
/// </example>
public sealed class WarmLease : IDisposable
{
    private readonly WarmSandboxPool _pool;
    private readonly PrivateWorkDirectory _directory;
    private WarmMember? _member;
    private int _ran;
    private int _disposed;

    internal WarmLease(WarmSandboxPool pool, SandboxPolicy policy, WarmMember? member, PrivateWorkDirectory directory)
    {
        _pool = pool;
        Policy = policy;
        _member = member;
        _directory = directory;
        IsWarm = member is not null;
    }

    /// <summary>The host path of the run's work directory (mode 0700), bound read-write at <c>/work</c>: write the run's files here.</summary>
    public string WorkDirectory => _directory.Path;

    /// <summary>The run's policy: the leased policy with <see cref="WorkDirectory"/> as its work directory.</summary>
    public SandboxPolicy Policy { get; }

    /// <summary>Whether a member was ready when the lease was taken (the run goes warm unless the pool is disposed before it).</summary>
    public bool IsWarm { get; }

    /// <summary>Why the directory could not be removed on disposal, or null.</summary>
    public string? CleanupProblem => _directory.RemovalProblem;

    /// <summary>Runs <paramref name="command"/> under <see cref="Policy"/>: on the member when there is one, cold otherwise.</summary>
    /// <exception cref="InvalidOperationException">The lease already ran.</exception>
    public Task<SandboxResult> RunAsync(SandboxCommand command, CancellationToken cancellationToken = default)
        => _pool.RunLeasedAsync(Start(), Policy, command, cancellationToken);

    /// <summary>As <see cref="RunAsync"/>, on the calling thread.</summary>
    public SandboxResult Run(SandboxCommand command, CancellationToken cancellationToken = default)
        => _pool.RunLeased(Start(), Policy, command, cancellationToken);

    /// <summary>Removes the work directory; a member the lease did not run is torn down first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        WarmMember? unused = Interlocked.Exchange(ref _member, null);
        if (unused is not null && Volatile.Read(ref _ran) == 0) _pool.Release(unused);
        _directory.Dispose();
    }

    private WarmMember? Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _ran, 1) != 0) throw new InvalidOperationException("a lease runs one command; take another lease for the next run");
        return Interlocked.Exchange(ref _member, null);
    }
}
