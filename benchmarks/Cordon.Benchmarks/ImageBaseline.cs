using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cordon.Images;

namespace Cordon.Benchmarks;

/// <summary>
/// The image tier's start cost and its peer: a busybox image built with umoci, prepared once into a private image
/// cache (so every measured run is warm: manifest read and verified, root found by its chain id), and, as root,
/// <c>runc run</c> of a copy of the same root (runc creates its mount points inside the root, so it never gets the
/// cache's own copy) with the memory and pids limits Cordon applies by default.
/// </summary>
internal sealed class ImageBaseline : IDisposable
{
    private readonly string _directory;
    private int _runs;

    private ImageBaseline(string directory, string layout, string rootfs, string? runcBundle)
        => (_directory, Layout, Rootfs, RuncBundle) = (directory, layout, rootfs, runcBundle);

    /// <summary>The image layout (<c>cordon run --image LAYOUT:bench</c>).</summary>
    public string Layout { get; }

    /// <summary>The prepared, merged root in the private cache.</summary>
    public string Rootfs { get; }

    /// <summary>XDG_CACHE_HOME for the CLI runs, so they find the prepared root.</summary>
    public string CacheHome => Path.Combine(_directory, "cache");

    /// <summary>runc's bundle, or null when runc cannot run here (not root, not installed).</summary>
    public string? RuncBundle { get; }

    /// <summary>The command every image scenario runs: busybox's true (the image has no /bin/true of its own).</summary>
    public static readonly string[] Guest = ["/bin/busybox", "true"];

    public static ImageBaseline? TryCreate(out string? skipped)
    {
        skipped = null;
        if (!File.Exists("/usr/bin/umoci") || !File.Exists("/bin/busybox"))
        {
            skipped = "umoci or busybox-static is not installed (scripts/install-deps.sh installs them)";
            return null;
        }

        string dir = Directory.CreateTempSubdirectory("cordon-bench-image-").FullName;
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            string layout = Path.Combine(dir, "layout"), bundle = Path.Combine(dir, "bundle");
            Run("umoci", "init", "--layout", layout);
            Run("umoci", "new", "--image", layout + ":bench");
            Run("umoci", "unpack", "--rootless", "--image", layout + ":bench", bundle);
            Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin"));
            File.Copy("/bin/busybox", Path.Combine(bundle, "rootfs", "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(bundle, "rootfs", "bin", "sh"), "busybox");
            Run("umoci", "repack", "--image", layout + ":bench", bundle);
            string rootfs = new ImageStore(Path.Combine(dir, "cache", "cordon", "images")).Prepare(new ImageReference(layout, "bench")).RootfsPath;
            return new ImageBaseline(dir, layout, rootfs, Environment.UserName == "root" && File.Exists("/usr/sbin/runc") ? RuncBundleFor(dir, rootfs) : null);
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>argv of one runc run (a fresh container id each time; runc deletes a foreground container at exit).</summary>
    public string[] RuncArgv()
        => ["/usr/sbin/runc", "run", "--bundle", RuncBundle!, string.Create(CultureInfo.InvariantCulture, $"cordon-bench-{Environment.ProcessId}-{Interlocked.Increment(ref _runs)}")];

    public void Dispose()
    {
        Run("chmod", "-R", "u+rwX", _directory);
        Directory.Delete(_directory, recursive: true);
    }

    private static string RuncBundleFor(string dir, string rootfs)
    {
        string bundle = Path.Combine(dir, "runc");
        Directory.CreateDirectory(bundle);
        Run("cp", "-a", rootfs, Path.Combine(bundle, "rootfs"));
        Run("/usr/sbin/runc", "spec", "--bundle", bundle);
        string configPath = Path.Combine(bundle, "config.json");
        JsonNode config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray([.. Guest.Select(a => (JsonNode)a)]);
        config["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = true };
        JsonObject resources = config["linux"]!["resources"]?.AsObject() ?? [];
        resources["memory"] = new JsonObject { ["limit"] = 256L * 1024 * 1024 };
        resources["pids"] = new JsonObject { ["limit"] = 64 };
        config["linux"]!["resources"] = resources;
        File.WriteAllText(configPath, config.ToJsonString());
        return bundle;
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {errors}");
    }
}
