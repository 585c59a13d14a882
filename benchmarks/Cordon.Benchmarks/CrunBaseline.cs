using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Cordon.Benchmarks;

/// <summary>
/// <c>crun run</c> of <c>/bin/true</c> with cgroups on (memory and pids limits like Cordon's defaults), as a peer baseline.
/// </summary>
/// <remarks>
/// <para>
/// The bundle is the minimal one: <c>crun spec</c>'s config with a read-only root of <c>/usr</c> bind-mounted (and the
/// <c>bin</c>, <c>lib</c>, <c>lib64</c> links), no terminal, <c>/bin/true</c> as the process.
/// </para>
/// <para>
/// crun 1.8 refuses a hybrid cgroup host (v1 controllers plus a controller-less v2 mount such as
/// <c>/sys/fs/cgroup/unified</c>): "cgroups in hybrid mode not supported". So each run goes through a small static
/// wrapper that unshares a mount namespace, detaches the v2 mounts found in /proc/self/mountinfo there (the host's
/// mounts are untouched) and execs crun. The wrapper's own cost is measured too (wrapper → <c>/bin/true</c>), so the
/// report can show crun without it.
/// </para>
/// </remarks>
internal sealed class CrunBaseline : IDisposable
{
    private const string WrapperSource = """
        #define _GNU_SOURCE
        #include <sched.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/mount.h>
        #include <unistd.h>
        /* hide-mounts N PATH... PROGRAM ARGS...: in a private mount namespace, detach N mounts, then exec PROGRAM. */
        int main(int argc, char **argv) {
            if (argc < 3) return 2;
            int n = atoi(argv[1]);
            if (n < 0 || argc < 3 + n) return 2;
            if (unshare(CLONE_NEWNS) != 0) { perror("unshare"); return 125; }
            if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) { perror("mount"); return 125; }
            for (int i = 0; i < n; i++) if (umount2(argv[2 + i], MNT_DETACH) != 0) { perror(argv[2 + i]); return 125; }
            execv(argv[2 + n], argv + 2 + n);
            perror("execv");
            return 127;
        }
        """;

    private readonly string _directory;
    private readonly string[] _hide;
    private int _runs;

    private CrunBaseline(string directory, string[] hide) => (_directory, _hide) = (directory, hide);

    /// <summary>Builds the bundle and the wrapper; null when crun is not installed or this is not root (with the reason).</summary>
    public static CrunBaseline? TryCreate(out string? skipped)
    {
        skipped = null;
        if (!File.Exists("/usr/bin/crun"))
        {
            skipped = "crun is not installed (scripts/install-deps.sh --bench installs it)";
            return null;
        }

        if (Environment.UserName != "root")
        {
            skipped = "crun with cgroups needs root here";
            return null;
        }

        string dir = Directory.CreateTempSubdirectory("cordon-bench-crun-").FullName;
        try
        {
            string rootfs = Path.Combine(dir, "rootfs");
            Directory.CreateDirectory(Path.Combine(rootfs, "usr"));
            foreach (string link in new[] { "bin", "lib", "lib64" })
            {
                File.CreateSymbolicLink(Path.Combine(rootfs, link), $"usr/{link}");
            }

            Run("/usr/bin/crun", ["spec"], dir);
            string configPath = Path.Combine(dir, "config.json");
            JsonNode config = JsonNode.Parse(File.ReadAllText(configPath))!;
            config["process"]!["terminal"] = false;
            config["process"]!["args"] = new JsonArray("/bin/true");
            config["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = true };
            config["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/usr", ["type"] = "bind", ["source"] = "/usr", ["options"] = new JsonArray("rbind", "ro"),
            });
            JsonObject resources = config["linux"]!["resources"]!.AsObject();
            resources["memory"] = new JsonObject { ["limit"] = 256L * 1024 * 1024 };
            resources["pids"] = new JsonObject { ["limit"] = 64 };
            File.WriteAllText(configPath, config.ToJsonString());

            File.WriteAllText(Path.Combine(dir, "hide-mounts.c"), WrapperSource);
            Run("gcc", ["-static", "-O2", "-o", Path.Combine(dir, "hide-mounts"), Path.Combine(dir, "hide-mounts.c")], dir);
            return new CrunBaseline(dir, HybridV2Mounts());
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>The mounts hidden from crun: the cgroup2 mounts, when v1 hierarchies are mounted beside them.</summary>
    public IReadOnlyList<string> Hidden => _hide;

    /// <summary>argv of one crun run (a fresh container id each time; crun deletes a foreground container at exit).</summary>
    public string[] RunArgv()
        => [.. Wrapper("/usr/bin/crun"), "run", "--bundle", _directory, string.Create(CultureInfo.InvariantCulture, $"cordon-bench-{Environment.ProcessId}-{Interlocked.Increment(ref _runs)}")];

    /// <summary>argv of the wrapper alone, exec'ing /bin/true: what the mount namespace costs each crun run.</summary>
    public string[] WrapperOnlyArgv() => [.. Wrapper("/bin/true")];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Wrapper(string program)
        => [Path.Combine(_directory, "hide-mounts"), _hide.Length.ToString(CultureInfo.InvariantCulture), .. _hide, program];

    /// <summary>cgroup2 mount points in /proc/self/mountinfo when cgroup v1 is mounted too (hybrid mode); none otherwise.</summary>
    private static string[] HybridV2Mounts()
    {
        var v2 = new List<string>();
        bool v1 = false;
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            string type = fields[separator + 1];
            v1 |= type == "cgroup";
            if (type == "cgroup2")
            {
                v2.Add(fields[4].Replace("\\040", " ", StringComparison.Ordinal));
            }
        }

        return v1 ? [.. v2] : [];
    }

    private static void Run(string program, string[] arguments, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { WorkingDirectory = directory, RedirectStandardError = true })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {errors}");
        }
    }
}
