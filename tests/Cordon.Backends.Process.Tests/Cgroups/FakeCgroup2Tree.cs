using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// A cgroup2 hierarchy imitated with ordinary files in a temp directory, for file-logic tests: this machine's real
/// cgroup2 mount has no controllers. The hooks do what cgroupfs does by itself: a new directory gets the interface
/// files of the controllers its parent enabled in cgroup.subtree_control; removing a cgroup removes its files.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FakeCgroup2Tree : IDisposable
{
    public const string OurCgroup = "/user.slice/user-1000.slice/user@1000.service/app.slice/cordon.scope";

    /// <param name="controllers">Our cgroup's cgroup.controllers.</param>
    /// <param name="extraMountInfo">More mountinfo lines; "ROOT" in them is replaced by <see cref="Root"/>.</param>
    /// <param name="extraProcCgroup">More /proc/self/cgroup lines (v1 memberships).</param>
    public FakeCgroup2Tree(string controllers = "cpuset cpu io memory hugetlb pids rdma misc", string extraMountInfo = "",
        string extraProcCgroup = "")
    {
        Root = Directory.CreateTempSubdirectory("cordon-fake-cgroup2-").FullName;
        // 0755 like /sys/fs/cgroup, so an unprivileged fsuid can traverse it (temp directories start as 0700).
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        MountPoint = Root + "/sys/fs/cgroup";
        OurDirectory = MountPoint + OurCgroup;
        Directory.CreateDirectory(OurDirectory);
        File.WriteAllText(OurDirectory + "/cgroup.controllers", controllers + "\n");
        File.WriteAllText(OurDirectory + "/cgroup.subtree_control", "\n");
        File.WriteAllText(OurDirectory + "/cgroup.procs", "4242\n");

        File.WriteAllText(Root + "/mountinfo",
            "24 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n" +
            $"30 22 0:26 / {MountPoint} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n" +
            extraMountInfo.Replace("ROOT", Root, StringComparison.Ordinal));
        File.WriteAllText(Root + "/cgroup", extraProcCgroup + $"0::{OurCgroup}\n");

        Host = new CgroupHostView(Root + "/cgroup", Root + "/mountinfo")
        {
            AfterMakeDirectory = PopulateLikeTheKernel,
            BeforeRemoveDirectory = RemoveFilesLikeTheKernel,
            KillTimeout = TimeSpan.FromMilliseconds(200),
            RemoveTimeout = TimeSpan.FromMilliseconds(100),
        };
    }

    public string Root { get; }

    public string MountPoint { get; }

    public string OurDirectory { get; }

    public CgroupHostView Host { get; }

    public string RunsParent => OurDirectory + "/cordon";

    /// <summary>Every directory created through the hook, in order.</summary>
    public List<string> Created { get; } = [];

    public static string Read(string path) => File.ReadAllText(path);

    public void Dispose()
    {
        // Undo any chown/chmod a test did, then delete.
        foreach (string directory in Directory.GetDirectories(Root, "*", SearchOption.AllDirectories).Prepend(Root))
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(Root, recursive: true);
    }

    private void PopulateLikeTheKernel(string directory)
    {
        lock (Created) Created.Add(directory);
        if (!directory.StartsWith(MountPoint + "/", StringComparison.Ordinal)) return; // a fake v1 hierarchy: plain directories suffice
        string parentEnabled = Read(Path.GetDirectoryName(directory) + "/cgroup.subtree_control").Replace("+", "", StringComparison.Ordinal).Trim();
        HashSet<string> controllers = [.. parentEnabled.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        var files = new Dictionary<string, string>
        {
            ["cgroup.controllers"] = string.Join(' ', controllers) + "\n",
            ["cgroup.subtree_control"] = "\n",
            ["cgroup.procs"] = "",
            ["cgroup.events"] = "populated 0\nfrozen 0\n",
            ["cgroup.kill"] = "",
            ["cgroup.freeze"] = "0\n",
            ["cpu.stat"] = "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnice_usec 0\ncore_sched.force_idle_usec 0\n",
        };
        if (controllers.Contains("memory"))
        {
            files["memory.max"] = "max\n";
            files["memory.swap.max"] = "max\n";
            files["memory.oom.group"] = "0\n";
            files["memory.peak"] = "0\n";
            files["memory.events"] = "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n";
        }
        if (controllers.Contains("pids"))
        {
            files["pids.max"] = "max\n";
            files["pids.current"] = "0\n";
            files["pids.peak"] = "0\n";
            files["pids.events"] = "max 0\n";
        }
        if (controllers.Contains("cpu")) files["cpu.max"] = "max 100000\n";
        foreach ((string name, string contents) in files) File.WriteAllText(directory + "/" + name, contents);
    }

    private static void RemoveFilesLikeTheKernel(string directory)
    {
        if (!Directory.Exists(directory)) return;
        // A real cgroup with child cgroups or live tasks refuses rmdir with EBUSY; leave the files so rmdir fails (ENOTEMPTY).
        if (Directory.GetDirectories(directory).Length > 0) return;
        if (File.Exists(directory + "/cgroup.events") && Read(directory + "/cgroup.events").Contains("populated 1", StringComparison.Ordinal)) return;
        foreach (string file in Directory.GetFiles(directory)) File.Delete(file);
    }
}
