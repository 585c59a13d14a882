using System.Diagnostics;

namespace Cordon.IntegrationTests.Support;

/// <summary>
/// A real image for the end-to-end runs, built with umoci from a root the test makes: busybox-static at /bin and an
/// /etc/os-release of its own, so nothing in the guest's root comes from the host. Everything lives in one directory
/// (layout, cache) that the unprivileged and per-run uids can traverse, removed on dispose.
/// </summary>
public sealed class TestImage : IDisposable
{
    public const string OsRelease = "NAME=\"Cordon Image Test\"\nID=cordon-image-test\n";

    public TestImage(params string[] configArgs)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cordon-image-e2e-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
        Layout = Path.Combine(Directory, "layout");
        Umoci("init", "--layout", Layout);
        Umoci("new", "--image", Layout + ":v1");
        string bundle = Path.Combine(Directory, "bundle");
        Umoci("unpack", "--rootless", "--image", Layout + ":v1", bundle);
        string rootfs = Path.Combine(bundle, "rootfs");
        System.IO.Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        System.IO.Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        System.IO.Directory.CreateDirectory(Path.Combine(rootfs, "srv", "app"));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        foreach (string applet in new[] { "sh", "cat", "ls", "echo", "id", "touch", "dd", "grep", "pwd", "env", "true", "head" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(rootfs, "etc", "os-release"), OsRelease);
        Umoci("repack", "--image", Layout + ":v1", bundle);
        if (configArgs.Length > 0) Umoci(["config", "--image", Layout + ":v1", .. configArgs]);
        Run("chmod", "-R", "a+rX", Layout); // umoci writes owner-only blobs; the unprivileged run reads them
    }

    public string Directory { get; }

    public string Layout { get; }

    /// <summary>The image cache the runs use (XDG_CACHE_HOME).</summary>
    public string CacheHome => Path.Combine(Directory, "cache");

    public static bool Available => File.Exists("/usr/bin/umoci") && File.Exists("/bin/busybox");

    public void Dispose()
    {
        Run("chmod", "-R", "u+rwX", Directory);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Runs <c>cordon ARGS</c> with this image's cache; optionally as uid/gid 65534 through setpriv.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> CordonAsync(bool unprivileged, params string[] args)
    {
        var start = new ProcessStartInfo(unprivileged ? "setpriv" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (unprivileged)
        {
            foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", $"XDG_CACHE_HOME={CacheHome}-nobody", "dotnet" })
                start.ArgumentList.Add(a);
            System.IO.Directory.CreateDirectory(CacheHome + "-nobody");
            Run("chown", "65534:65534", CacheHome + "-nobody");
        }
        else
        {
            start.Environment["XDG_CACHE_HOME"] = CacheHome;
        }

        start.ArgumentList.Add(CordonBinary.Dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static void Umoci(params string[] args) => Run(["umoci", .. args]);

    private static void Run(params string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args.Skip(1)) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)}: {stderr}");
    }
}
