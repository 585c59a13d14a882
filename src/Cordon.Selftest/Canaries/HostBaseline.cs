namespace Cordon.Selftest.Canaries;

/// <summary>
/// Host-wide state no guest may change, recorded once before the suite and compared after every probe: kernel knobs a
/// guest could aim at through /proc (core_pattern is code execution as host root), the host's name, its loaded
/// modules (socket families auto-load them), its mount points, and the binaries and probes bound into every sandbox.
/// </summary>
internal sealed class HostBaseline
{
    private static readonly string[] KernelFiles =
    [
        "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname",
        "/proc/sys/kernel/randomize_va_space", "/proc/sys/kernel/unprivileged_bpf_disabled", "/proc/sys/vm/overcommit_memory",
        "/proc/modules",
    ];

    private readonly Dictionary<string, string?> _kernel = [];
    private readonly Dictionary<string, FileState?> _files = [];
    private HashSet<string> _mountPoints = [];

    private HostBaseline() { }

    /// <summary>Records the state of the host and of <paramref name="boundFiles"/> (every file under directories too).</summary>
    public static HostBaseline Record(IEnumerable<string> boundFiles)
    {
        var baseline = new HostBaseline();
        foreach (string path in KernelFiles) baseline._kernel[path] = ReadOrNull(path);
        foreach (string path in boundFiles.SelectMany(Expand)) baseline._files[path] = FileState.Of(path);
        baseline._mountPoints = MountPoints();
        return baseline;
    }

    /// <summary>Everything that differs from the recorded state, in words.</summary>
    public List<string> Changes()
    {
        List<string> changes = [];
        foreach (var (path, before) in _kernel)
        {
            if (ReadOrNull(path) != before) changes.Add($"host {path} changed");
        }

        foreach (var (path, before) in _files)
        {
            FileState? now = FileState.Of(path);
            if (before is null || now is null)
            {
                if (before != now) changes.Add($"host file {path} {(now is null ? "vanished" : "appeared")}");
                continue;
            }

            // Reads (atime) are expected: every sandbox executes these files.
            if (now with { AccessNanoseconds = before.AccessNanoseconds } != before) changes.Add($"host file {path} was {now.DifferenceFrom(before)}");
        }

        HashSet<string> mounts = MountPoints();
        foreach (string added in mounts.Except(_mountPoints)) changes.Add($"host mount appeared at {added}");
        return changes;
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (!Directory.Exists(path)) return [path];
        return Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Prepend(path);
    }

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Mount points of the host's (our) mount namespace, field 5 of /proc/self/mountinfo.</summary>
    private static HashSet<string> MountPoints()
    {
        HashSet<string> points = new(StringComparer.Ordinal);
        foreach (string line in (ReadOrNull("/proc/self/mountinfo") ?? "").Split('\n'))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4) points.Add(fields[4]);
        }

        return points;
    }
}
