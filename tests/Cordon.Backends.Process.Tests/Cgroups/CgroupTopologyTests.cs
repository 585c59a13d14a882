using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Tests.Cgroups;

[SupportedOSPlatform("linux")]
public sealed class CgroupTopologyTests
{
    private const string HybridMountInfo = """
        30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:7 - cgroup cgroup rw,cpu,cpuacct
        34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        41 22 0:31 /docker/abc /mnt/my\040cgroups rw,relatime - cgroup cgroup rw,memory
        """;

    [Fact]
    public void Mountinfo_yields_v1_controllers_v2_mounts_roots_and_unescaped_paths()
    {
        List<CgroupMount> mounts = CgroupTopology.ParseMountInfo(HybridMountInfo);

        Assert.Equal(5, mounts.Count);
        Assert.Equal(["cpu", "cpuacct"], mounts[0].Controllers.Order());
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", mounts[0].MountPoint);
        Assert.Empty(mounts[2].Controllers); // name=systemd has no controller; xattr is a flag
        Assert.True(mounts[3].IsV2);
        Assert.Empty(mounts[3].Controllers);
        Assert.Equal("/mnt/my cgroups", mounts[4].MountPoint);
        Assert.Equal("/docker/abc", mounts[4].Root);
    }

    [Fact]
    public void Proc_self_cgroup_lines_split_on_the_first_two_colons()
    {
        List<CgroupMembership> memberships = CgroupTopology.ParseProcCgroup(
            "4:memory:/process_api/ce22\n2:cpu,cpuacct:/\n1:name=systemd:/user.slice\n0::/odd:path\n");

        Assert.Equal(4, memberships.Count);
        Assert.Equal("/process_api/ce22", memberships[0].Path);
        Assert.True(memberships[1].Controllers.SetEquals(["cpu", "cpuacct"]));
        Assert.Equal(0, memberships[3].HierarchyId);
        Assert.Empty(memberships[3].Controllers);
        Assert.Equal("/odd:path", memberships[3].Path);
    }

    [Theory]
    [InlineData("/", "/sys/fs/cgroup/memory", "/process_api/x", "/sys/fs/cgroup/memory/process_api/x")]
    [InlineData("/", "/sys/fs/cgroup/memory", "/", "/sys/fs/cgroup/memory")]
    [InlineData("/docker/abc", "/sys/fs/cgroup/memory", "/docker/abc/sub", "/sys/fs/cgroup/memory/sub")]
    [InlineData("/docker/abc", "/sys/fs/cgroup/memory", "/docker/abc", "/sys/fs/cgroup/memory")]
    [InlineData("/docker/abc", "/sys/fs/cgroup/memory", "/docker/abcdef", null)]
    [InlineData("/docker/abc", "/sys/fs/cgroup/memory", "/other", null)]
    [InlineData("/", "/sys/fs/cgroup", "/gone (deleted)", null)]
    public void Resolve_joins_the_mount_point_and_the_path_below_the_mount_root(string root, string mountPoint, string path, string? expected)
        => Assert.Equal(expected, CgroupTopology.Resolve(new CgroupMount(mountPoint, root, false, new HashSet<string>()), path));

    [Fact]
    public void Parsers_read_keyed_single_and_pid_files()
    {
        Assert.Equal(3, CgroupStatParser.FindKeyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"));
        Assert.Null(CgroupStatParser.FindKeyed("oom_kill_disable 0\n", "oom_kill"));
        Assert.Equal(7, CgroupStatParser.FindKeyed("user_usec 1\nusage_usec 7\n"u8, "usage_usec"u8));
        Assert.Null(CgroupStatParser.FindKeyed("usage_usecs 7\n"u8, "usage_usec"u8));
        Assert.Equal(long.MaxValue, CgroupStatParser.ParseSingle("max\n"));
        Assert.Equal(42, CgroupStatParser.ParseSingle("42\n"));
        Assert.Equal([12, 345], CgroupStatParser.ParsePids("12\n345\n\n"));
        Assert.True(CgroupStatParser.ParseControllers("+memory +pids cpu\n").SetEquals(["memory", "pids", "cpu"]));
    }

    [Fact]
    public void Membership_matches_the_run_directory_not_a_prefix_of_it()
    {
        const string run = "cordon-1-2-0badc0de";
        Assert.True(CgroupProcessMembership.Contains($"4:memory:/x/cordon/{run}\n", run));
        Assert.True(CgroupProcessMembership.Contains($"0::/x/cordon/{run}/sub\n", run));
        Assert.False(CgroupProcessMembership.Contains($"4:memory:/x/cordon/{run}0\n", run));
        Assert.False(CgroupProcessMembership.Contains("4:memory:/x\n", run));
    }

    [Fact]
    public void Run_names_are_unique_and_carry_pid_counter_and_randomness()
    {
        string[] names = [.. Enumerable.Range(0, 1000).AsParallel().Select(_ => CgroupProvider.NewRunName())];
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches($@"^cordon-{Environment.ProcessId}-\d+-[0-9a-f]{{8}}$", n));
    }
}
