using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Planning;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Bubblewrap;

public class LaunchCommandLineTests
{
    /// <summary>Host facts of a root run with a v1 pids cgroup, fixed so the argv is the same on every machine.</summary>
    internal static LaunchHostFacts Facts() => new()
    {
        LauncherPath = "/opt/cordon/cordon-launch",
        BwrapPath = "/usr/bin/bwrap",
        SupervisorPid = 4242,
        Cgroup = new CgroupFacts("v1", ["pids"], ["/sys/fs/cgroup/pids/cordon/run-1"]),
        RunUser = (65534, 65534),
        HostEtcFilesPresent = ["/etc/ld.so.cache"],
    };

    private static LaunchPlan Plan(SandboxPolicy policy, SandboxCommand? command = null, LaunchHostFacts? facts = null)
        => LaunchPlanner.Build(policy, command ?? new SandboxCommand("python3", ["-c", "print(1)"]), facts ?? Facts());

    private static string Line(SandboxPolicy policy, SandboxCommand? command = null, LaunchHostFacts? facts = null)
        => string.Join(' ', Plan(policy, command, facts).ExpandedArgv);

    [Fact]
    public void Default_policy_builds_the_whole_chain_golden()
    {
        string golden = Line(SandboxPolicy.Default);
        Assert.Equal(
            "/opt/cordon/cordon-launch enter --status-fd 3 --parent-pid 4242 --cgroup /sys/fs/cgroup/pids/cordon/run-1 --user 65534:65534 -- " +
            "/usr/bin/bwrap --unshare-user --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup --unshare-net --disable-userns " +
            "--uid 1000 --gid 1000 --hostname cordon --die-with-parent --new-session --as-pid-1 --cap-drop ALL --info-fd 7 --clearenv " +
            "--setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME /work --setenv LANG C.UTF-8 --setenv LC_ALL C.UTF-8 " +
            "--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64 " +
            "--ro-bind /etc/ld.so.cache /etc/ld.so.cache --perms 0444 --file 8 /etc/passwd --perms 0444 --file 9 /etc/group --perms 0444 --file 10 /etc/hosts " +
            "--perms 0444 --file 11 /etc/nsswitch.conf --perms 0444 --file 12 /etc/hostname --perms 0444 --file 13 /etc/gitconfig " +
            "--proc /proc --dev /dev --size 67108864 --tmpfs /tmp --size 67108864 --tmpfs /dev/shm --size 67108864 --tmpfs /work " +
            "--ro-bind /opt/cordon/cordon-launch /.cordon/launch --remount-ro / --chdir /work -- " +
            "/.cordon/launch init --status-fd 3 --notify-fd 4 --bpf-fd 5 --landlock-ro /usr --landlock-ro /etc --landlock-ro /proc " +
            "--landlock-ro /.cordon/launch --landlock-rw /dev/null --landlock-rw /dev/zero --landlock-rw /dev/full --landlock-rw /dev/random " +
            "--landlock-rw /dev/urandom --landlock-rw /dev/tty --landlock-rw /dev/pts --landlock-rw /dev/shm --landlock-rw /tmp --landlock-rw /work " +
            "--landlock-list / --landlock-deny-net --rlimit CORE=0:0 --rlimit NOFILE=256:256 --rlimit FSIZE=16777216:16777216 " +
            "--rlimit STACK=8388608:8388608 --rlimit CPU=6:7 -- python3 -c print(1)",
            golden);
    }

    [Fact]
    public void Bwrap_options_travel_through_its_args_descriptor_so_no_environment_value_is_on_a_command_line()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().SetEnvironment("API_TOKEN", "s3cret-value").Build();
        LaunchPlan launch = Plan(policy);
        Assert.DoesNotContain(launch.Argv, a => a.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal(["/usr/bin/bwrap", "--args", "6", "--", "/.cordon/launch", "init"], launch.Argv.SkipWhile(a => a != "/usr/bin/bwrap").Take(6));
        Assert.Contains("API_TOKEN\0s3cret-value\0", System.Text.Encoding.UTF8.GetString(launch.BwrapOptionsFile()));
    }

    [Fact]
    public void Granted_binds_come_from_descriptors_and_as_root_writable_ones_from_the_idmapped_stage()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-binds-").FullName;
        foreach (string name in new[] { "job", "in", "out" }) Directory.CreateDirectory(Path.Combine(dir, name));
        try
        {
            AssertBinds(new SandboxPolicyBuilder().WithWorkDirectory(Path.Combine(dir, "job"))
                .MountReadOnly(Path.Combine(dir, "in"), "/in").MountReadWrite(Path.Combine(dir, "out"), "/out").WithDiskBudget(null).Build(), dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertBinds(SandboxPolicy policy, string hostDir)
    {
        string root = Line(policy, facts: Facts() with { IdmapStageDirectory = "/run/cordon/stage" });
        // descriptors: 8-13 generated /etc files; grants 14 (workdir), 15 (/in), 16 (/out)
        Assert.Contains("--user 65534:65534 --stage /run/cordon/stage --idmap-fd 14 --idmap-fd 16 --", root);
        Assert.Contains("--bind /run/cordon/stage/0 /work", root);
        Assert.Contains("--ro-bind-fd 15 /in --bind /run/cordon/stage/1 /out", root);
        Assert.DoesNotContain(hostDir, root);

        string rootless = Line(policy, facts: Facts() with { RunUser = null });
        Assert.DoesNotContain("--idmap-fd", rootless);
        Assert.Contains("--bind-fd 14 /work", rootless);
        Assert.Contains("--ro-bind-fd 15 /in --bind-fd 16 /out", rootless);
    }

    [Fact]
    public void Arguments_are_list_elements_never_reparsed()
    {
        var hostile = new SandboxCommand("sh", ["-c", "echo $HOME; rm -rf / --no-preserve-root", "--", "--ro-bind / /"]);
        var argv = Plan(SandboxPolicy.Default, hostile).Argv;
        Assert.Equal(["sh", "-c", "echo $HOME; rm -rf / --no-preserve-root", "--", "--ro-bind / /"], argv.TakeLast(5));
    }

    [Fact]
    public void Host_network_does_not_unshare_the_network_and_loopback_keeps_tcp_open_in_landlock()
    {
        var host = Plan(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Host).Allow(Cordon.Policy.Dangerous.HostNetworkAccess.Instance).Build()).ExpandedArgv;
        Assert.DoesNotContain("--unshare-net", host);
        var loopback = Plan(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build()).ExpandedArgv;
        Assert.Contains("--unshare-net", loopback);
        Assert.DoesNotContain("--landlock-deny-net", loopback);
    }

    [Fact]
    public void Mounts_copied_files_and_inherited_fds_get_the_right_flags_and_descriptors()
    {
        string existing = Path.GetTempPath().TrimEnd('/');
        string file = Path.GetTempFileName();
        try
        {
            SandboxPolicy policy = new SandboxPolicyBuilder()
                .MountReadOnly(existing, "/in").MountReadWrite(existing, "/out").MountTmpfs("/scratch", 1 << 20).CopyFile("/data.csv", file)
                .WithMemory(null).WithOpenFiles(null).Build();
            using var handle = File.OpenHandle(file);
            string line = Line(policy, new SandboxCommand("true") { InheritedFiles = [new InheritedFile(handle, 9)] }, Facts() with { RunUser = null });
            Assert.Contains("--ro-bind-fd 15 /in --bind-fd 16 /out --size 1048576 --tmpfs /scratch --ro-bind-data 14 /data.csv", line);
            Assert.Contains("--landlock-ro /in --landlock-rw /out --landlock-rw /scratch --landlock-ro /data.csv", line);
            Assert.Contains("--fd 17:9", line); // data fds 8-13 (etc), 14 (copied file), 15, 16 (binds), then the inherited file at 17
            Assert.DoesNotContain("NOFILE", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Guest_root_maps_uid_0_and_no_system_dirs_mounts_nothing_of_the_host()
    {
        string line = Line(new SandboxPolicyBuilder().WithGuestRoot().WithSystemDirectories(false).Build(), facts: Facts() with { HostEtcFilesPresent = [] });
        Assert.Contains("--uid 0 --gid 0", line);
        Assert.DoesNotContain("--ro-bind /usr", line);
        Assert.DoesNotContain("--landlock-ro /usr", line);
    }
}
