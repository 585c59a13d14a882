using System.Diagnostics;
using System.Runtime.InteropServices;
using Cordon.Backends.Process.Supervision;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Benchmarks;

/// <summary>Runs a whole program to exit with posix_spawn (no .NET Process overhead), stdio on /dev/null.</summary>
internal static partial class ChildProcess
{
    private static readonly SafeFileHandle DevNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);

    /// <summary>
    /// Milliseconds from spawn to reaped exit, the child's peak RSS in KiB, and the user + system CPU milliseconds of the
    /// child and of every descendant it reaped (wait4's rusage).
    /// </summary>
    /// <param name="argv">The program and its arguments.</param>
    /// <param name="highestDevNullFd">Descriptors 0 up to this one are /dev/null (3 for a launcher's status descriptor).</param>
    public static (double Milliseconds, long MaxRssKiB, int Status, double CpuMilliseconds) Run(IReadOnlyList<string> argv, int highestDevNullFd = 2)
    {
        long start = Stopwatch.GetTimestamp();
        int pid = ChainSpawner.Spawn(argv, [.. Enumerable.Range(0, highestDevNullFd + 1).Select(fd => ((SafeHandle)DevNull, fd))]);
        Span<long> usage = stackalloc long[18];
        int status;
        while (Wait4(pid, out status, 0, ref MemoryMarshal.GetReference(usage)) < 0 && Marshal.GetLastPInvokeError() == 4) { }
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        // struct rusage: two timevals (user, system: seconds and microseconds), then ru_maxrss.
        double cpuMs = (usage[0] * 1e3) + (usage[1] / 1e3) + (usage[2] * 1e3) + (usage[3] / 1e3);
        return (ms, usage[4], status, cpuMs);
    }

    /// <summary>
    /// Peak RSS of <paramref name="argv"/> alone, through GNU time (null without it). Our own wait4 cannot say: the child
    /// is vfork'd from this .NET process, and exec records the parent's high-water mark as the child's ru_maxrss.
    /// </summary>
    public static long? PeakRssKiB(IReadOnlyList<string> argv)
    {
        if (!File.Exists("/usr/bin/time")) return null;
        string output = Path.GetTempFileName();
        try
        {
            var (_, _, status, _) = Run(["/usr/bin/time", "-f", "%M", "-o", output, .. argv]);
            return status == 0 && long.TryParse(File.ReadAllText(output).Trim(), out long kib) ? kib : null;
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>User + system CPU of this process and of every child it has reaped (getrusage SELF and CHILDREN).</summary>
    public static TimeSpan CpuTimeSelfAndChildren()
    {
        Span<long> self = stackalloc long[18];
        Span<long> children = stackalloc long[18];
        GetRusage(0, ref MemoryMarshal.GetReference(self));
        GetRusage(-1, ref MemoryMarshal.GetReference(children));
        static double Seconds(Span<long> u) => u[0] + u[1] / 1e6 + u[2] + u[3] / 1e6;
        return TimeSpan.FromSeconds(Seconds(self) + Seconds(children));
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, ref long rusage);

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    private static partial int Wait4(int pid, out int status, int options, ref long rusage);
}
