namespace Cordon.IntegrationTests.Support;

/// <summary>Host-side facts about sandbox leftovers: processes of the launch chain and per-run cgroups.</summary>
public static class HostState
{
    public static IReadOnlyList<string> SandboxProcesses()
    {
        List<string> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("/.cordon/launch", StringComparison.Ordinal) || cmdline.StartsWith("/usr/bin/bwrap", StringComparison.Ordinal)
                    || cmdline.Contains("cordon-launch enter", StringComparison.Ordinal))
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
                    found.AddRange(Directory.EnumerateDirectories(controller, "cordon*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true }));
                }
                catch (IOException) { }
            }
        }

        return found;
    }

    public static void AssertNoSandboxLeft()
    {
        // The chain is gone before RunAsync returns; allow a brief moment for the kernel to finish reaping.
        for (int i = 0; i < 50 && (SandboxProcesses().Count > 0 || CordonCgroups().Count > 0); i++) Thread.Sleep(20);
        Assert.Empty(SandboxProcesses());
        Assert.Empty(CordonCgroups());
    }
}
