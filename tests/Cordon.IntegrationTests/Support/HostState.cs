namespace Cordon.IntegrationTests.Support;

/// <summary>Host-side facts about sandbox leftovers: processes of the launch chain and per-run cgroups.</summary>
public static class HostState
{
    private static readonly string OurLauncher = Path.Combine(AppContext.BaseDirectory, "cordon-launch");

    /// <summary>Per-run cgroups are named cordon-PID-N-RANDOM after the supervising process.</summary>
    private static readonly string OurCgroupPrefix = $"cordon-{Environment.ProcessId}-";

    private static bool IsOurDescendantCgroup(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cgroup").Contains(OurCgroupPrefix, StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    public static IReadOnlyList<string> SandboxProcesses()
    {
        List<string> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // Only chains started from this test assembly's launcher: other test assemblies may run sandboxes concurrently.
                if (cmdline.Contains(OurLauncher, StringComparison.Ordinal) || cmdline.StartsWith(OurLauncher, StringComparison.Ordinal)
                    || (cmdline.Contains("/.cordon/launch init", StringComparison.Ordinal) && IsOurDescendantCgroup(pid)))
                {
                    found.Add($"{pid}: {cmdline}");
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return found;
    }

    public static IReadOnlyList<string> CordonCgroups()
    {
        List<string> found = [];
        foreach (string root in new[] { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" }.Where(Directory.Exists))
        {
            foreach (string controller in Directory.EnumerateDirectories(root))
            {
                try
                {
                    found.AddRange(Directory.EnumerateDirectories(controller, OurCgroupPrefix + "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true }));
                }
                catch (IOException) { }
            }
        }

        return found;
    }

    /// <summary>Zombies of the sandbox's pid 1 (comm "launch"): what is left when its parent, bwrap, dies before reaping it.</summary>
    public static IReadOnlyList<int> ZombieLaunchers()
    {
        List<int> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int end = stat.LastIndexOf(')');
                if (stat.Contains("(launch)", StringComparison.Ordinal) && end > 0 && stat[(end + 2)..].StartsWith('Z')) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return found;
    }

    public static void AssertNoSandboxLeft()
    {
        // The chain is gone before RunAsync returns; allow a brief moment for the kernel to finish reaping.
        for (int i = 0; i < 50 && (SandboxProcesses().Count > 0 || CordonCgroups().Count > 0); i++) Thread.Sleep(20);
        Assert.Empty(SandboxProcesses());
        Assert.Empty(CordonCgroups());
        Assert.Empty(StageMounts());
        Assert.Empty(HeldRunIdentities());
    }

    /// <summary>Mounts under Cordon's state directory in the host's mount namespace: the stage must only ever exist inside a run's own.</summary>
    public static IReadOnlyList<string> StageMounts()
        => [.. File.ReadLines("/proc/self/mountinfo").Where(l => l.Split(' ') is { Length: > 4 } f && f[4].StartsWith("/run/cordon", StringComparison.Ordinal))];

    /// <summary>Run identities this test process still holds: each id's lock file names its holder's pid while held.</summary>
    public static IReadOnlyList<string> HeldRunIdentities()
    {
        const string Ids = "/run/cordon/ids";
        if (!Directory.Exists(Ids)) return [];
        string us = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<string> held = [];
        foreach (string file in Directory.EnumerateFiles(Ids))
        {
            try
            {
                if (File.ReadAllText(file).Trim() == us) held.Add(file);
            }
            catch (IOException) { }
        }

        return held;
    }
}
