using System.Diagnostics;
using System.Globalization;
using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>
/// The cgroup (v2) or cgroups (v1, one per hierarchy) of one run: <c>&lt;our cgroup&gt;/cordon/cordon-&lt;pid&gt;-&lt;n&gt;-&lt;random&gt;</c>.
/// Create it with <see cref="CgroupProvider.TryCreate"/>, apply limits, have the launcher join
/// <see cref="JoinDirectories"/> before it execs bwrap, read usage, then dispose it.
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="ApplyLimits"/> before the guest starts, <see cref="ReadCpuUsage"/> while it runs,
/// <see cref="ReadUsage"/> after it ended (before <see cref="Dispose"/>), <see cref="Dispose"/> always.</para>
/// <para>Thread safety: <see cref="KillAll"/>, <see cref="ApplyLimits"/> and <see cref="Dispose"/> serialize on one
/// lock, so a cancellation callback may call <see cref="KillAll"/> while another thread disposes.
/// <see cref="ReadCpuUsage"/> has its own lock and never waits for a kill.</para>
/// </remarks>
internal abstract class RunCgroup : IDisposable
{
    private protected const string LimitsStep = "cgroup-limits";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly Lock _gate = new();
    private readonly Lock _cpuGate = new();
    private readonly List<string> _warnings = [];
    private SafeFileHandle? _cpuHandle;
    private byte[] _cpuBuffer = new byte[1024];
    private volatile bool _disposed;

    private protected RunCgroup(string name, IReadOnlyList<CgroupHierarchy> hierarchies, IReadOnlyList<string> directories,
        CgroupHostView host)
    {
        Debug.Assert(hierarchies.Count == directories.Count && directories.Count > 0);
        Name = name;
        Hierarchies = hierarchies;
        JoinDirectories = directories;
        Host = host;
    }

    /// <summary>The run's unique directory name, <c>cordon-&lt;pid&gt;-&lt;counter&gt;-&lt;random&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>V1 or V2.</summary>
    public abstract CgroupVersion Version { get; }

    /// <summary>
    /// The directories the launcher puts bwrap in: one per v1 hierarchy (the launcher joins through its <c>tasks</c>
    /// file before exec'ing bwrap), one for v2 (bwrap's process is made in it with clone3(CLONE_INTO_CGROUP), or the
    /// launcher joins through <c>cgroup.procs</c> where the kernel lacks that). Every guest task descends from bwrap, so none runs outside.
    /// </summary>
    public IReadOnlyList<string> JoinDirectories { get; }

    /// <summary>Limits that could not be applied as fully as asked (e.g. no swap accounting), for the run's warnings.</summary>
    public IReadOnlyList<string> Warnings
    {
        get { lock (_gate) return [.. _warnings]; }
    }

    /// <summary>Set by <see cref="Dispose"/> when something was left behind (tasks, directories): put it into the run's warnings.</summary>
    public string? CleanupProblem { get; private set; }

    /// <summary>Whether <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed => _disposed;

    private protected IReadOnlyList<CgroupHierarchy> Hierarchies { get; }

    /// <summary>The names of the hierarchies the run has a directory in.</summary>
    public IEnumerable<string> HierarchyNames => Hierarchies.Select(h => h.Name);

    private protected CgroupHostView Host { get; }

    /// <summary>The file <see cref="ReadCpuUsage"/> keeps open and re-reads.</summary>
    private protected abstract string CpuUsageFile { get; }

    /// <summary>
    /// Sets the run's limits; call before the guest starts. Null means "max" (no cgroup limit); swap is always off.
    /// </summary>
    /// <param name="memoryBytes">Memory of all tasks together, swap included; the OOM killer acts inside the run only.</param>
    /// <param name="maxTasks">Processes plus threads alive at once; fork/clone fails with EAGAIN beyond it.</param>
    /// <param name="cpuCores">CPU bandwidth in cores (1.5 = one and a half CPUs), enforced by CFS quota; null for none.</param>
    /// <exception cref="SandboxSetupException">A value was rejected or a controller file is missing; the message names the path and errno.</exception>
    public void ApplyLimits(long? memoryBytes, int? maxTasks, double? cpuCores = null)
    {
        if (memoryBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(memoryBytes), memoryBytes, "must be positive");
        if (maxTasks is <= 0) throw new ArgumentOutOfRangeException(nameof(maxTasks), maxTasks, "must be positive");
        if (cpuCores is { } cores && (!double.IsFinite(cores) || cores <= 0))
            throw new ArgumentOutOfRangeException(nameof(cpuCores), cpuCores, "must be a positive number");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ApplyLimitsCore(memoryBytes, maxTasks, cpuCores);
        }
    }

    /// <summary>Reads every counter (a handful of small files). Call before <see cref="Dispose"/>.</summary>
    /// <exception cref="IOException">A counter file that must exist could not be read.</exception>
    public CgroupUsage ReadUsage()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ReadUsageCore();
    }

    /// <summary>
    /// Total CPU time of the run so far, from one file kept open and re-read with pread (no allocation after the
    /// first call), cheap enough for a 20-50 ms CPU-limit poll.
    /// </summary>
    /// <exception cref="IOException">The file could not be read.</exception>
    public TimeSpan ReadCpuUsage()
    {
        lock (_cpuGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_cpuHandle is null)
            {
                SafeFileHandle handle = CgroupFiles.OpenRead(CpuUsageFile, out int openErrno);
                if (openErrno != 0)
                {
                    handle.Dispose();
                    throw new IOException($"open {CpuUsageFile}: {Interop.Errno.Name(openErrno)}", openErrno);
                }
                _cpuHandle = handle;
            }
            int errno = CgroupFiles.ReadAll(_cpuHandle, ref _cpuBuffer, out int length);
            if (errno != 0) throw new IOException($"read {CpuUsageFile}: {Interop.Errno.Name(errno)}", errno);
            return ParseCpuUsage(_cpuBuffer.AsSpan(0, length))
                ?? throw new IOException($"{CpuUsageFile}: unexpected contents");
        }
    }

    /// <summary>
    /// Kills every task in the run (v2 <c>cgroup.kill</c>; v1 freeze, SIGKILL each, thaw) and waits, bounded, until
    /// none is left. Double-forked and setsid()ed tasks are included: membership, not ancestry, decides.
    /// </summary>
    /// <param name="timeout">How long to wait for the last task; <see cref="CgroupHostView.KillTimeout"/> (2 s) by default.</param>
    /// <returns>Whether the run is empty. After <see cref="Dispose"/>: whether disposal removed everything.</returns>
    /// <exception cref="IOException">A cgroup file could not be read or written.</exception>
    public bool KillAll(TimeSpan? timeout = null)
    {
        lock (_gate)
        {
            if (_disposed) return CleanupProblem is null;
            return KillAllCore(Stopwatch.StartNew(), timeout ?? Host.KillTimeout);
        }
    }

    /// <summary>Whether no task is in the run (v2 <c>cgroup.events populated 0</c>; v1 every <c>cgroup.procs</c> empty).</summary>
    /// <exception cref="IOException">A cgroup file could not be read.</exception>
    public bool IsEmpty()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return IsEmptyCore();
    }

    /// <summary>
    /// Kills whatever is still inside, then removes the run's directories and, when it is the last run, the shared
    /// <c>cordon</c> parent. Never throws: problems go to <see cref="CleanupProblem"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            lock (_cpuGate)
            {
                _cpuHandle?.Dispose();
                _cpuHandle = null;
            }

            var problems = new List<string>();
            try
            {
                if (!IsEmptyCore() && !KillAllCore(Stopwatch.StartNew(), Host.KillTimeout))
                    problems.Add($"tasks still in {JoinDirectories[0]} after {Host.KillTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s of killing");
            }
            catch (IOException e)
            {
                problems.Add($"kill before removal: {e.Message}");
            }

            foreach (string directory in JoinDirectories)
                if (RemoveRunDirectory(directory) is { } problem) problems.Add(problem);
            foreach (CgroupHierarchy hierarchy in Hierarchies)
                if (RemoveParentIfUnused(hierarchy.RunsParent, Host) is { } problem) problems.Add(problem);
            CleanupProblem = problems.Count == 0 ? null : string.Join("; ", problems);
        }
    }

    private protected abstract void ApplyLimitsCore(long? memoryBytes, int? maxTasks, double? cpuCores);

    private protected abstract CgroupUsage ReadUsageCore();

    private protected abstract TimeSpan? ParseCpuUsage(ReadOnlySpan<byte> contents);

    private protected abstract bool KillAllCore(Stopwatch elapsed, TimeSpan timeout);

    private protected abstract bool IsEmptyCore();

    private protected void AddWarning(string warning)
    {
        lock (_gate) _warnings.Add(warning);
    }

    /// <summary>Writes a limit file that must exist, or throws a setup error naming value, path, errno and a hint.</summary>
    private protected static void WriteLimit(string path, string value, string? hint = null)
    {
        int errno = CgroupFiles.Write(path, value);
        if (errno != 0) throw LimitError(path, value, errno, hint);
    }

    /// <summary>Writes a limit file that older kernels or configurations lack: false when it is missing.</summary>
    private protected static bool TryWriteLimit(string path, string value)
    {
        int errno = CgroupFiles.Write(path, value);
        if (errno == Interop.Errno.ENOENT) return false;
        if (errno != 0) throw LimitError(path, value, errno, hint: null);
        return true;
    }

    private protected static SandboxSetupException LimitError(string path, string value, int errno, string? hint)
        => new(LimitsStep, $"write '{value}' to {path}: {Interop.Errno.Name(errno)}",
            hint ?? (errno == Interop.Errno.ENOENT ? "the controller is not enabled for this cgroup; see cordon doctor" : null));

    /// <summary>Reads a counter file that must exist and holds one number.</summary>
    private protected static long ReadSingle(string path)
        => CgroupStatParser.ParseSingle(CgroupFiles.ReadRequired(path)) ?? throw new IOException($"{path}: not a number");

    /// <summary>Reads one key of a flat-keyed counter file that must exist; 0 when the key is absent.</summary>
    private protected static long ReadKeyed(string path, string key)
        => CgroupStatParser.FindKeyed(CgroupFiles.ReadRequired(path), key) ?? 0;

    private protected static void Pause() => Thread.Sleep(PollInterval);

    /// <summary>SIGKILL, tolerating a task that is already gone.</summary>
    private protected static void SendKill(int pid)
    {
        if (pid > 1) _ = Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is (still) in this run, checked before an unfrozen kill so a pid reused by a host
    /// process is spared. A window remains between this check and kill(2); the frozen paths and cgroup.kill have none.
    /// </summary>
    private protected bool IsMember(int pid)
    {
        int errno = CgroupFiles.TryRead($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup", out string text);
        return errno == 0 && CgroupProcessMembership.Contains(text, Name);
    }

    /// <summary>rmdir a run directory, retrying EBUSY for <see cref="CgroupHostView.RemoveTimeout"/>; the problem or null.</summary>
    private string? RemoveRunDirectory(string directory)
    {
        Host.BeforeRemoveDirectory?.Invoke(directory);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            int errno = CgroupFiles.RemoveDirectory(directory);
            if (errno is 0 or Interop.Errno.ENOENT) return null;
            // An exiting task (or, on v1, a css still being released) keeps the cgroup busy for a moment.
            if (errno == Interop.Errno.EBUSY && elapsed.Elapsed < Host.RemoveTimeout)
            {
                Pause();
                continue;
            }
            return $"rmdir {directory}: {Interop.Errno.Name(errno)}";
        }
    }

    /// <summary>
    /// Removes the shared <c>cordon</c> parent when no other run uses it. Concurrent runs make EBUSY/ENOTEMPTY
    /// normal (the last run removes it); a concurrent creator that loses the race sees ENOENT and recreates it.
    /// </summary>
    internal static string? RemoveParentIfUnused(string parent, CgroupHostView host)
    {
        host.BeforeRemoveDirectory?.Invoke(parent);
        int errno = CgroupFiles.RemoveDirectory(parent);
        return errno is 0 or Interop.Errno.ENOENT or Interop.Errno.EBUSY or Interop.Errno.ENOTEMPTY or Interop.Errno.EEXIST
            ? null
            : $"rmdir {parent}: {Interop.Errno.Name(errno)}";
    }
}
