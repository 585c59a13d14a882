using System.Globalization;
using System.Text;

namespace Cordon.Backends.Gvisor.Supervision;

/// <summary>
/// Finds the processes of one run by the run directory on their command line (runsc, its gofer and the Sentry all carry
/// <c>--root=&lt;run dir&gt;/state</c>): the run's last sweep when it has no cgroup, and the check tests make after a run.
/// </summary>
internal static class StrayProcesses
{
    /// <summary>Pids of live processes whose command line mentions <paramref name="marker"/>.</summary>
    public static List<int> Find(string marker)
    {
        List<int> found = [];
        byte[] needle = Encoding.UTF8.GetBytes(marker);
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                byte[] cmdline = File.ReadAllBytes(Path.Combine(dir, "cmdline"));
                if (cmdline.AsSpan().IndexOf(needle) >= 0) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's: neither can be ours.
            }
        }

        return found;
    }

    /// <summary>SIGKILLs every process of the run still alive; returns how many there were.</summary>
    public static int KillAll(string marker)
    {
        List<int> pids = Find(marker);
        foreach (int pid in pids) _ = Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
        return pids.Count;
    }
}
