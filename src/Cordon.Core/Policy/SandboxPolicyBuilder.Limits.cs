using Cordon.Errors;
using Cordon.Units;

namespace Cordon.Policy;

public sealed partial class SandboxPolicyBuilder
{
    /// <summary>Upper bounds beyond which a value is a mistake rather than a budget.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);
    private const long MaxBytes = 16 * ByteSize.TiB;
    private const int MaxCount = 1 << 22;

    private TimeSpan? _wallTime;
    private TimeSpan? _cpuTime;
    private long? _memoryBytes;
    private int? _maxProcesses;
    private long? _maxOutputBytes;
    private OutputAction _outputAction;
    private long? _fileSizeBytes;
    private long? _tmpfsSizeBytes;
    private long? _diskBytes = ResourceLimits.DefaultDiskBytes;
    private long? _diskInodes = ResourceLimits.DefaultDiskInodes;
    private int? _openFiles;
    private long? _stackBytes;

    /// <summary>Wall-clock limit; null means unlimited.</summary>
    public SandboxPolicyBuilder WithWallTime(TimeSpan? limit) { _wallTime = limit; return this; }

    /// <summary>CPU-time limit for all guest processes together; null means unlimited.</summary>
    public SandboxPolicyBuilder WithCpuTime(TimeSpan? limit) { _cpuTime = limit; return this; }

    /// <summary>Memory limit for all guest processes together; null means unlimited.</summary>
    public SandboxPolicyBuilder WithMemory(long? bytes) { _memoryBytes = bytes; return this; }

    /// <summary>Limit on processes and threads alive at once; null means unlimited.</summary>
    public SandboxPolicyBuilder WithMaxProcesses(int? count) { _maxProcesses = count; return this; }

    /// <summary>Bytes kept per output stream; null means unlimited (the supervisor then buffers everything).</summary>
    public SandboxPolicyBuilder WithMaxOutput(long? bytes) { _maxOutputBytes = bytes; return this; }

    /// <summary>What happens when an output stream passes its cap.</summary>
    public SandboxPolicyBuilder WithOutputAction(OutputAction action) { _outputAction = action; return this; }

    /// <summary>Largest file the guest may write; null means unlimited.</summary>
    public SandboxPolicyBuilder WithFileSize(long? bytes) { _fileSizeBytes = bytes; return this; }

    /// <summary>Size of each private tmpfs; null means unlimited (bounded only by memory).</summary>
    public SandboxPolicyBuilder WithTmpfsSize(long? bytes) { _tmpfsSizeBytes = bytes; return this; }

    /// <summary>Disk budget in bytes of each writable grant (see <see cref="ResourceLimits.DiskBytes"/>); null for unlimited.</summary>
    public SandboxPolicyBuilder WithDiskBudget(long? bytes) { _diskBytes = bytes; return this; }

    /// <summary>Files the guest may create in each writable grant (see <see cref="ResourceLimits.DiskInodes"/>); null for unlimited.</summary>
    public SandboxPolicyBuilder WithDiskInodes(long? inodes) { _diskInodes = inodes; return this; }

    /// <summary>Open descriptors per process; null means unlimited (the host's hard limit).</summary>
    public SandboxPolicyBuilder WithOpenFiles(int? count) { _openFiles = count; return this; }

    /// <summary>Stack size per process; null means unlimited.</summary>
    public SandboxPolicyBuilder WithStack(long? bytes) { _stackBytes = bytes; return this; }

    private void SetLimits(ResourceLimits limits)
    {
        _wallTime = limits.WallTime;
        _cpuTime = limits.CpuTime;
        _memoryBytes = limits.MemoryBytes;
        _maxProcesses = limits.MaxProcesses;
        _maxOutputBytes = limits.MaxOutputBytes;
        _outputAction = limits.OutputAction;
        _fileSizeBytes = limits.FileSizeBytes;
        _tmpfsSizeBytes = limits.TmpfsSizeBytes;
        _diskBytes = limits.DiskBytes;
        _diskInodes = limits.DiskInodes;
        _openFiles = limits.OpenFiles;
        _stackBytes = limits.StackBytes;
    }

    private ResourceLimits BuildLimits() => new(_wallTime, _cpuTime, _memoryBytes, _maxProcesses, _maxOutputBytes,
        _outputAction, _fileSizeBytes, _tmpfsSizeBytes, _openFiles, _stackBytes, _diskBytes, _diskInodes);

    private void ValidateLimits(List<PolicyError> problems)
    {
        CheckDuration("limits.time", _wallTime);
        CheckDuration("limits.cpu", _cpuTime);
        CheckBytes("limits.memory", _memoryBytes, ByteSize.MiB, "the guest's own runtime needs at least 1M");
        CheckCount("limits.pids", _maxProcesses, 1);
        CheckBytes("limits.output", _maxOutputBytes, 1, null);
        CheckBytes("limits.fsize", _fileSizeBytes, 1, null);
        CheckBytes("limits.tmp_size", _tmpfsSizeBytes, 4 * ByteSize.KiB, "a tmpfs needs at least one page");
        CheckCount("limits.nofile", _openFiles, 4);
        CheckBytes("limits.disk", _diskBytes, ByteSize.MiB, "a writable grant needs room for a few files");
        if (_diskInodes is { } inodes && (inodes < 16 || inodes > int.MaxValue))
            problems.Add(new("limits.disk_inodes", $"{inodes} is out of range; allowed 16 to {int.MaxValue}, or none for unlimited"));
        CheckBytes("limits.stack", _stackBytes, 64 * ByteSize.KiB, "programs cannot start with less");

        void CheckDuration(string key, TimeSpan? value)
        {
            if (value is { } v && (v < TimeSpan.FromMilliseconds(1) || v > MaxDuration))
            {
                problems.Add(new(key, $"{v} is out of range; allowed 1ms to 7 days, or none for unlimited"));
            }
        }

        void CheckBytes(string key, long? value, long minimum, string? why)
        {
            if (value is { } v && (v < minimum || v > MaxBytes))
            {
                string reason = why is null ? "" : $" ({why})";
                problems.Add(new(key, $"{v} bytes is out of range; allowed {ByteSize.Format(minimum)} to 16T{reason}, or none for unlimited"));
            }
        }

        void CheckCount(string key, int? value, int minimum)
        {
            if (value is { } v && (v < minimum || v > MaxCount))
            {
                problems.Add(new(key, $"{v} is out of range; allowed {minimum} to {MaxCount}, or none for unlimited"));
            }
        }
    }
}
