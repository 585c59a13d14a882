namespace Cordon.Workloads.Tests.Support;

/// <summary>Host-side proof that a run is over: no process started from this assembly's launcher is alive.</summary>
public static class HostLeftovers
{
    private static readonly string OurLauncher = Path.Combine(AppContext.BaseDirectory, "cordon-launch");

    public static IReadOnlyList<string> Processes()
    {
        List<string> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.StartsWith(OurLauncher, StringComparison.Ordinal)) found.Add($"{pid}: {cmdline}");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return found;
    }

    public static void AssertNone()
    {
        // The chain is gone before RunAsync returns; allow the kernel a moment to finish reaping.
        for (int i = 0; i < 50 && Processes().Count > 0; i++) Thread.Sleep(20);
        Assert.Empty(Processes());
    }
}
