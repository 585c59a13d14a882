using System.Diagnostics;

namespace Cordon.Images.Tests.Support;

/// <summary>Real images, built with umoci from a small root the test makes: busybox-static and an /etc/os-release of its own.</summary>
internal static class Umoci
{
    public const string OsRelease = "NAME=\"Cordon Test Linux\"\nID=cordon-test\nVERSION_ID=19\n";

    public static bool Available => File.Exists("/usr/bin/umoci") && File.Exists("/bin/busybox");

    /// <summary>A layout at <paramref name="layout"/> with image <paramref name="tag"/>: busybox at /bin (with sh, cat, ls... links), /etc/os-release.</summary>
    public static void BusyboxImage(string layout, string tag, Action<string>? populate = null, params string[] configArgs)
    {
        Run("init", "--layout", layout);
        Run("new", "--image", $"{layout}:{tag}");
        Change(layout, tag, rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
            Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
            File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
            foreach (string applet in new[] { "sh", "cat", "ls", "echo", "id", "touch", "mkdir", "stat", "env", "pwd", "dd", "head", "true", "sleep" })
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
            File.WriteAllText(Path.Combine(rootfs, "etc", "os-release"), OsRelease);
            populate?.Invoke(rootfs);
        });
        if (configArgs.Length > 0) Run(["config", "--image", $"{layout}:{tag}", .. configArgs]);
    }

    /// <summary>Adds a layer to <paramref name="tag"/>: unpack, let <paramref name="change"/> edit the root (deletions become whiteouts), repack.</summary>
    public static void Change(string layout, string tag, Action<string> change)
    {
        string bundle = Path.Combine(Path.GetDirectoryName(layout)!, "bundle-" + Guid.NewGuid().ToString("N"));
        Run("unpack", "--rootless", "--image", $"{layout}:{tag}", bundle);
        change(Path.Combine(bundle, "rootfs"));
        Run("repack", "--image", $"{layout}:{tag}", bundle);
        Scratch.Remove(bundle);
    }

    public static void Run(params string[] args)
    {
        var start = new ProcessStartInfo("umoci") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"umoci {string.Join(' ', args)}: {stderr}");
    }
}
