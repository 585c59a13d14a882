using System.Globalization;

namespace Cordon.Backends.Process.CallerIo;

/// <summary>
/// The descriptors the caller handed to this process: open and not close-on-exec. Whatever the runtime opens for
/// itself (its signal pipe, epoll, the terminal it reopens) is close-on-exec, so a snapshot taken first thing in
/// <c>Main</c> tells the two apart, and a closed 0, 1 or 2 that the runtime has since reused shows as not passed.
/// </summary>
public static class CallerDescriptors
{
    /// <summary>Descriptors open and not close-on-exec right now: call before anything else opens descriptors.</summary>
    public static IReadOnlySet<int> Snapshot()
    {
        var passed = new HashSet<int>();
        foreach (int fd in OpenDescriptors())
        {
            int flags = Interop.Libc.FcntlInt(fd, Interop.Libc.FGetFd, 0);
            if (flags >= 0 && (flags & Interop.Libc.FdCloexec) == 0) passed.Add(fd);
        }

        return passed;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are open on the same file (same device and inode: one terminal, one pipe).</summary>
    public static bool SameFile(int a, int b)
        => Identity(a) is { } first && Identity(b) is { } second && first == second;

    private static (uint, uint, ulong)? Identity(int fd)
        => Interop.Libc.Statx(fd, "", Interop.Libc.AtEmptyPath, Interop.Libc.StatxIno, out Interop.Libc.StatxBuffer s) == 0
            ? (s.DeviceMajor, s.DeviceMinor, s.Inode)
            : null;

    private static IEnumerable<int> OpenDescriptors()
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: probe the usual range instead.
            return Enumerable.Range(0, 1024);
        }

        return entries.Select(e => int.TryParse(Path.GetFileName(e), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) ? fd : -1).Where(fd => fd >= 0);
    }
}
