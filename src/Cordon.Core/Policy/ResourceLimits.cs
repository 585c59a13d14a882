using Cordon.Units;

namespace Cordon.Policy;

/// <summary>The resource budget of one run. Every limit is on by default; null means the caller explicitly chose "unlimited".</summary>
/// <remarks>
/// Built through <see cref="SandboxPolicyBuilder"/>, which validates every value. Defaults follow the
/// judge-system tradition (isolate, DMOJ): small enough that a runaway guest costs the host little.
/// </remarks>
public sealed record ResourceLimits
{
    internal ResourceLimits(TimeSpan? wallTime, TimeSpan? cpuTime, long? memoryBytes, int? maxProcesses,
        long? maxOutputBytes, OutputAction outputAction, long? fileSizeBytes, long? tmpfsSizeBytes,
        int? openFiles, long? stackBytes, long? diskBytes = DefaultDiskBytes, long? diskInodes = DefaultDiskInodes)
    {
        DiskBytes = diskBytes;
        DiskInodes = diskInodes;
        WallTime = wallTime;
        CpuTime = cpuTime;
        MemoryBytes = memoryBytes;
        MaxProcesses = maxProcesses;
        MaxOutputBytes = maxOutputBytes;
        OutputAction = outputAction;
        FileSizeBytes = fileSizeBytes;
        TmpfsSizeBytes = tmpfsSizeBytes;
        OpenFiles = openFiles;
        StackBytes = stackBytes;
    }

    /// <summary>Default budget: 10 s wall, 5 s CPU, 256 MiB, 64 tasks, 1 MiB per output stream, 16 MiB files, 64 MiB tmpfs, 256 fds, 8 MiB stack.</summary>
    public static ResourceLimits Default { get; } = new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 256 * ByteSize.MiB, 64, ByteSize.MiB,
        OutputAction.Truncate, 16 * ByteSize.MiB, 64 * ByteSize.MiB, 256, 8 * ByteSize.MiB);

    /// <summary>Wall-clock time from start until every guest process is killed.</summary>
    public TimeSpan? WallTime { get; }

    /// <summary>CPU time of all guest processes together (cgroup accounting; RLIMIT_CPU per process as a second layer).</summary>
    public TimeSpan? CpuTime { get; }

    /// <summary>Memory of all guest processes together (cgroup limit, swap included).</summary>
    public long? MemoryBytes { get; }

    /// <summary>Processes and threads alive at once (cgroup pids controller).</summary>
    public int? MaxProcesses { get; }

    /// <summary>Bytes kept per output stream (stdout and stderr each).</summary>
    public long? MaxOutputBytes { get; }

    /// <summary>What happens past <see cref="MaxOutputBytes"/>.</summary>
    public OutputAction OutputAction { get; }

    /// <summary>Largest file the guest can write (RLIMIT_FSIZE).</summary>
    public long? FileSizeBytes { get; }

    /// <summary>Size of each private tmpfs (/tmp, the default work directory, /dev/shm).</summary>
    public long? TmpfsSizeBytes { get; }

    /// <summary>Open file descriptors per process (RLIMIT_NOFILE).</summary>
    public int? OpenFiles { get; }

    /// <summary>Stack size per process (RLIMIT_STACK).</summary>
    public long? StackBytes { get; }

    /// <summary>Default <see cref="DiskBytes"/>: 1 GiB.</summary>
    internal const long DefaultDiskBytes = 1024 * ByteSize.MiB;

    /// <summary>Default <see cref="DiskInodes"/>.</summary>
    internal const long DefaultDiskInodes = 65536;

    /// <summary>
    /// Bytes the guest may write into each writable grant (<c>--rw</c> mounts and the work directory), null for
    /// unlimited. Enforced as root by putting the guest's writes in a private layer of this size and copying them back
    /// when the run ends; a run that fills it ends <see cref="Execution.SandboxOutcome.DiskExceeded"/>.
    /// </summary>
    public long? DiskBytes { get; }

    /// <summary>Files and directories the guest may create in each writable grant, null for unlimited.</summary>
    public long? DiskInodes { get; }
}
