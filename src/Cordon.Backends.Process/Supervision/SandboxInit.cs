using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The sandbox's pid 1 (the launcher's init), as bwrap names it on its info descriptor (<see cref="Bubblewrap.BwrapInfo"/>).
/// </summary>
/// <remarks>
/// Killing it ends the whole pid namespace (the kernel kills every process in it and lets none fork), and bwrap's
/// monitor, still alive, reaps it. A cgroup kill takes the monitor at the same moment, which orphans pid 1 to the
/// host's init: reaped late by some, and never by a container's pid 1 that does not reap.
/// </remarks>
internal static class SandboxInit
{
    /// <summary>
    /// Sends SIGKILL to the sandbox's pid 1 <paramref name="initPid"/>; false when it is not known yet or cannot be
    /// proven to be bwrap's child.
    /// </summary>
    /// <param name="bwrapPid">The spawned chain (see <see cref="IsChildOfMonitor"/>).</param>
    /// <param name="initPid">The sandbox's pid 1 as bwrap reported it.</param>
    public static bool Kill(int bwrapPid, int? initPid)
    {
        if (initPid is not { } pid) return false;
        int fd = Interop.Libc.PidfdOpen(pid, 0);
        if (fd < 0) return false;
        using var pidfd = new SafeFileHandle(fd, ownsHandle: true);
        // The descriptor now pins one process; if the pid was reaped and reused in between, its parent is not bwrap.
        if (!IsChildOfMonitor(pid, bwrapPid)) return false;
        return Interop.Libc.PidfdSendSignal(pidfd, Interop.Libc.SigKill, 0, 0) == 0;
    }

    /// <summary>
    /// Whether the (pinned) process <paramref name="pid"/> is a child of bwrap's monitor in the chain spawned as
    /// <paramref name="chainPid"/>: the chain itself when the launcher exec'd bwrap (cgroup v1, no cgroup, or a kernel
    /// without clone3 into a cgroup), or the chain's child when the launcher made bwrap's process in the run's cgroup v2
    /// and stays as its parent.
    /// </summary>
    internal static bool IsChildOfMonitor(int pid, int chainPid)
    {
        int? parent = ParentOf(pid);
        if (parent == chainPid) return true;
        if (parent is not { } monitor) return false;
        int fd = Interop.Libc.PidfdOpen(monitor, 0);
        if (fd < 0) return false;
        using var monitorPidfd = new SafeFileHandle(fd, ownsHandle: true);
        // The launcher has one child, bwrap: a pid whose parent is the chain (our unreaped child, so not reused) is it.
        // Pinned, it is checked to still be pid's parent.
        return ParentOf(monitor) == chainPid && ParentOf(pid) == monitor;
    }

    /// <summary>Field 4 of /proc/PID/stat, read after the command name (which may itself contain spaces and parentheses).</summary>
    internal static int? ParentOf(int pid)
    {
        string? stat = ReadProc($"/proc/{pid}/stat");
        int end = stat?.LastIndexOf(')') ?? -1;
        if (end < 0) return null;
        string[] fields = stat![(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ppid) ? ppid : null;
    }

    private static string? ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
