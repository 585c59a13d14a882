using System.Diagnostics;
using System.Globalization;

namespace Cordon.Selftest.Harness;

/// <summary>
/// After a run: nothing of it may be left on the host. Checked from the host by every handle the observer has on the
/// run (its processes by pid and start time, any process carrying its nonce or marker, any process still in its
/// cgroup, and its cgroup directories).
/// </summary>
internal static class TeardownCheck
{
    /// <summary>How long an exiting task may take to disappear after the result came back.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public static List<string> Leftovers(ObservedChain chain)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<string> left = Find(chain);
            if (left.Count == 0 || clock.Elapsed > Grace) return left;
            Thread.Sleep(20);
        }
    }

    private static List<string> Find(ObservedChain chain)
    {
        List<string> left = [];
        foreach (ObservedProcess p in chain.Processes.Values)
        {
            // A zombie is dead: when a limit kill takes bwrap's monitor first, the sandbox's pid 1 is reparented to the
            // host's init and waits there to be reaped, holding nothing but its pid.
            if (Canaries.VictimProcess.StartTime(p.Pid) == p.StartTime && !ProcessTable.IsZombie(p.Pid))
                left.Add($"pid {p.Pid} ({Short(p.CommandLine)}) outlived the run");
        }

        foreach (int pid in ProcessTable.Pids())
        {
            if (pid == Environment.ProcessId || left.Any(l => l.StartsWith($"pid {pid} ", StringComparison.Ordinal))) continue;
            string commandLine = ProcessTable.CommandLine(pid);
            if (commandLine.Contains(chain.Nonce, StringComparison.Ordinal) || commandLine.Contains(chain.Marker, StringComparison.Ordinal))
                left.Add($"pid {pid} ({Short(commandLine)}) outlived the run");
            else if (chain.CgroupName is { } name && ProcessTable.Cgroups(pid).Contains(name, StringComparison.Ordinal))
                left.Add($"pid {pid} ({Short(commandLine)}) is still in the run's cgroup {name}");
        }

        foreach (string directory in chain.CgroupDirectories.Keys)
        {
            if (Directory.Exists(directory)) left.Add($"cgroup {directory} was not removed");
        }

        return left;
    }

    /// <summary>The suite-wide sweep: no cgroup of this process's runs and no process carrying any probe's nonce.</summary>
    public static List<string> SuiteLeftovers(IReadOnlyCollection<string> nonces)
    {
        string prefix = "cordon-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";
        List<string> left = [];
        foreach (int pid in ProcessTable.Pids())
        {
            if (pid == Environment.ProcessId || ProcessTable.IsZombie(pid)) continue;
            string commandLine = ProcessTable.CommandLine(pid);
            if (ProcessTable.Cgroups(pid).Contains(prefix, StringComparison.Ordinal) || nonces.Any(n => commandLine.Contains(n, StringComparison.Ordinal)))
                left.Add($"pid {pid} ({Short(commandLine)}) outlived the suite");
        }

        foreach (string root in new[] { "/sys/fs/cgroup" }.Where(Directory.Exists))
        {
            try
            {
                left.AddRange(Directory.EnumerateDirectories(root, prefix + "*", new EnumerationOptions
                {
                    RecurseSubdirectories = true, MaxRecursionDepth = 7, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint,
                }).Select(d => $"cgroup {d} was not removed"));
            }
            catch (IOException)
            {
                // a cgroup vanished while we walked the tree
            }
        }

        return left;
    }

    private static string Short(string commandLine) => commandLine.Length <= 80 ? commandLine : commandLine[..77] + "...";
}

/// <summary>Small readers of the host's process table.</summary>
internal static class ProcessTable
{
    public static IEnumerable<int> Pids()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), out int pid)) yield return pid;
        }
    }

    /// <summary>Whether the process is a zombie (or already being torn down): dead, waiting for its parent.</summary>
    public static bool IsZombie(int pid)
    {
        string stat = Read($"/proc/{pid}/stat");
        int close = stat.LastIndexOf(')');
        return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
    }

    public static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();

    public static string Cgroups(int pid) => Read($"/proc/{pid}/cgroup");

    private static string Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
