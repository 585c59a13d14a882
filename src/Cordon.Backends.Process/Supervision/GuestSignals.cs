using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// Forwards a signal the caller received to every guest process: the descendants of the sandbox's pid 1 (orphans of
/// the pid namespace re-parent to it, so double-forked processes are included). pid 1 itself is skipped: the launcher's
/// init has no handlers and must stay to reap and report.
/// </summary>
/// <remarks>Best effort by design: a process forked while the tree is walked may miss the signal; the kill after the
/// grace period is what guarantees the end. Each target is pinned by a pidfd and checked to still be a child of the
/// process it was found under, so a recycled pid is never signalled.</remarks>
internal static class GuestSignals
{
    /// <summary>Sends <paramref name="signal"/>; returns how many processes received it.</summary>
    /// <param name="bwrapPid">The spawned chain: bwrap's monitor, or its parent (see <see cref="SandboxInit.IsChildOfMonitor"/>).</param>
    /// <param name="initPid">The sandbox's pid 1 as bwrap reported it; null while unknown (nothing is sent).</param>
    /// <param name="signal">The signal.</param>
    public static int Forward(int bwrapPid, int? initPid, int signal)
    {
        // pid 1 is pinned and checked to be bwrap's child before its descendants are walked.
        if (initPid is not { } init) return 0;
        int pinned = Interop.Libc.PidfdOpen(init, 0);
        if (pinned < 0) return 0;
        using var initPidfd = new SafeFileHandle(pinned, ownsHandle: true);
        if (!SandboxInit.IsChildOfMonitor(init, bwrapPid)) return 0;
        int sent = 0;
        var queue = new Queue<int>([init]);
        var seen = new HashSet<int> { init };
        while (queue.Count > 0 && seen.Count < 100_000)
        {
            int parent = queue.Dequeue();
            foreach (int child in ChildrenOf(parent))
            {
                if (!seen.Add(child)) continue;
                queue.Enqueue(child);
                if (Send(child, parent, signal)) sent++;
            }
        }

        return sent;
    }

    private static bool Send(int pid, int expectedParent, int signal)
    {
        int fd = Interop.Libc.PidfdOpen(pid, 0);
        if (fd < 0) return false;
        using var pidfd = new SafeFileHandle(fd, ownsHandle: true);
        if (SandboxInit.ParentOf(pid) != expectedParent) return false;
        return Interop.Libc.PidfdSendSignal(pidfd, signal, 0, 0) == 0;
    }

    /// <summary>Children of every thread of <paramref name="pid"/> (a child belongs to the thread that forked it).</summary>
    private static IEnumerable<int> ChildrenOf(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (string task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(task + "/children");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int child)) yield return child;
        }
    }
}
