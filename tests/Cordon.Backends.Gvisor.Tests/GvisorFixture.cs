using System.Text;
using Cordon.Backends.Gvisor.Bundle;
using Cordon.Backends.Gvisor.Tier;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Backends.Gvisor.Tests;

/// <summary>Helpers for real runs under runsc.</summary>
internal static class Gvisor
{
    public static GvisorTier Tier { get; } = new();

    public static SandboxResult Run(SandboxPolicy policy, params string[] argv)
        => Tier.Run(policy, new SandboxCommand(argv[0], argv[1..]), TierSettings.None, CancellationToken.None);

    public static SandboxResult Sh(string script, SandboxPolicy? policy = null)
        => Run(policy ?? SandboxPolicy.Default, "/bin/sh", "-c", script);

    public static string Stdout(this SandboxResult result) => Encoding.UTF8.GetString(result.StandardOutput.Bytes.Span);

    public static string Stderr(this SandboxResult result) => Encoding.UTF8.GetString(result.StandardError.Bytes.Span);

    /// <summary>Asserts that the run left nothing: no process naming its directory, no directory, no cgroup.</summary>
    public static void AssertCleanedUp(SandboxResult result)
    {
        string dir = Path.Combine(RunDirectory.Parent, result.RunId);
        Assert.False(Directory.Exists(dir), $"{dir} is left behind");
        Assert.Empty(Supervision.StrayProcesses.Find(dir));
        foreach (string cgroupRoot in new[] { "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/freezer", "/sys/fs/cgroup/unified", "/sys/fs/cgroup" })
        {
            if (!Directory.Exists(cgroupRoot)) continue;
            // Run cgroups are named cordon-<our pid>-<n>-<random> below a "cordon" directory; none of ours may remain.
            string prefix = $"cordon-{Environment.ProcessId}-";
            IEnumerable<string> left = SafeEnumerate(cgroupRoot).Where(d => Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal));
            Assert.Empty(left);
        }
    }

    private static IEnumerable<string> SafeEnumerate(string root)
    {
        var pending = new Stack<(string Dir, int Depth)>([(root, 0)]);
        while (pending.Count > 0)
        {
            (string dir, int depth) = pending.Pop();
            string[] children;
            try
            {
                children = Directory.GetDirectories(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string child in children)
            {
                yield return child;
                if (depth < 6) pending.Push((child, depth + 1));
            }
        }
    }
}

/// <summary>A root filesystem made from the static busybox (/bin/busybox, Debian's busybox-static), one per test run.</summary>
internal static class BusyboxRoot
{
    private static readonly Lazy<string> Root = new(Make);

    public static string Path => Root.Value;

    private static string Make()
    {
        // Beside the tests (readable by the gofer), made afresh each run.
        string root = System.IO.Path.Combine(AppContext.BaseDirectory, "busybox-rootfs");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(System.IO.Path.Combine(root, "bin"));
        foreach (string dir in new[] { "etc", "tmp", "proc", "dev", "work", "sys" }) Directory.CreateDirectory(System.IO.Path.Combine(root, dir));
        File.Copy("/bin/busybox", System.IO.Path.Combine(root, "bin", "busybox"), overwrite: true);
        foreach (string applet in new[] { "sh", "cat", "ls", "echo", "uname", "id", "sleep", "true", "stat", "head", "dd", "touch", "wc", "nc" })
            File.CreateSymbolicLink(System.IO.Path.Combine(root, "bin", applet), "busybox");
        File.WriteAllText(System.IO.Path.Combine(root, "etc", "os-release"), "NAME=\"Cordon busybox test root\"\nID=cordon-busybox\n");
        return root;
    }
}
