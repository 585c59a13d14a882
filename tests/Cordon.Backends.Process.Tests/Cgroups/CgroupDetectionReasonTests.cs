using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;
using Xunit.Abstractions;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>The reasons detection gives when no cgroup interface is usable (fake trees, FILE-LOGIC only, plus the real v1 tree under an unprivileged fsuid).</summary>
[Collection(RealCgroupCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CgroupDetectionReasonTests(ITestOutputHelper output)
{
    private const string PermissionHint = "run as root or delegate a cgroup v2 subtree; see cordon doctor";

    [Fact]
    public void FileLogic_v2_without_memory_and_pids_names_them_and_the_delegation_hint()
    {
        using var tree = new FakeCgroup2Tree(controllers: "cpu io");

        CgroupAvailability availability = new CgroupProvider(tree.Host).Availability;

        Assert.Equal(CgroupVersion.None, availability.Version);
        Assert.Equal(
            $"cgroup v2 ({tree.OurDirectory}): controllers memory, pids are not available to our cgroup (cgroup.controllers: cpu io) "
            + "(hint: the parent cgroup must delegate them, e.g. systemd Delegate=yes; see cordon doctor)",
            availability.V2Problem);
        Assert.Equal("cgroup v1: no cgroup v1 hierarchy is mounted", availability.V1Problem);
        Assert.StartsWith("no usable cgroup: cgroup v2 (", availability.Reason, StringComparison.Ordinal);
        Assert.False(new CgroupProvider(tree.Host).TryCreate(out _, out string? reason));
        Assert.Equal(availability.Reason, reason);
    }

    [Fact]
    public void FileLogic_hybrid_host_says_the_controllers_are_bound_to_v1_and_names_the_missing_v1_controller()
    {
        using var tree = new FakeCgroup2Tree(controllers: "",
            extraMountInfo: "34 30 0:31 / ROOT/v1/memory rw,relatime - cgroup cgroup rw,memory\n"
                + "31 30 0:28 / ROOT/v1/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n",
            extraProcCgroup: "4:memory:/\n2:cpu,cpuacct:/\n");
        Directory.CreateDirectory(tree.Root + "/v1/memory");
        Directory.CreateDirectory(tree.Root + "/v1/cpu,cpuacct");

        CgroupAvailability availability = new CgroupProvider(tree.Host).Availability;

        Assert.Equal(CgroupVersion.None, availability.Version);
        Assert.Contains("controllers memory, pids, cpu are not available to our cgroup (cgroup.controllers: none); this host binds them to cgroup v1 hierarchies (hybrid setup)",
            availability.V2Problem, StringComparison.Ordinal);
        Assert.Equal("cgroup v1: the pids controller is not mounted", availability.V1Problem);
    }

    [Fact]
    public void FileLogic_no_cgroup_mount_at_all()
    {
        using var tree = new FakeCgroup2Tree();
        File.WriteAllText(tree.Host.MountInfoPath, "24 1 0:22 / /proc rw - proc proc rw\n");

        CgroupAvailability availability = new CgroupProvider(tree.Host).Availability;

        Assert.Equal("no usable cgroup: cgroup v2: no cgroup2 filesystem is mounted; cgroup v1: no cgroup v1 hierarchy is mounted", availability.Reason);
    }

    [Fact]
    public void FileLogic_EBUSY_on_subtree_control_is_explained_as_the_no_internal_processes_rule()
    {
        using var tree = new FakeCgroup2Tree();

        string message = CgroupProvider.ExplainSubtreeControlFailure(tree.OurDirectory, "+memory +pids +cpu", 16, isOwnCgroup: true);

        Assert.StartsWith($"write '+memory +pids +cpu' to {tree.OurDirectory}/cgroup.subtree_control: EBUSY: the cgroup v2 \"no internal processes\" rule",
            message, StringComparison.Ordinal);
        Assert.Contains("it holds 1 process(es), Cordon itself among them", message, StringComparison.Ordinal);
        Assert.Contains("Delegate=yes", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileLogic_unprivileged_user_without_delegation_gets_EACCES_and_the_hint()
    {
        Assert.True(FilesystemIdentity.IsRoot, "this test switches fsuid and needs root");
        using var tree = new FakeCgroup2Tree(); // owned by root, like an undelegated cgroup

        CgroupAvailability availability = FilesystemIdentity.RunAs(FilesystemIdentity.Nobody, () => new CgroupProvider(tree.Host).Availability);

        Assert.Equal(CgroupVersion.None, availability.Version);
        Assert.Equal($"cgroup v2 ({tree.OurDirectory}): write '+memory +pids +cpu' to {tree.OurDirectory}/cgroup.subtree_control: EACCES (hint: {PermissionHint})",
            availability.V2Problem);
    }

    [Fact]
    public void FileLogic_unprivileged_user_with_a_delegated_subtree_gets_v2()
    {
        Assert.True(FilesystemIdentity.IsRoot, "this test switches fsuid and needs root");
        using var tree = new FakeCgroup2Tree();
        // Delegation = the user owns the cgroup directory and its interface files (systemd Delegate=yes).
        ChangeOwner(tree.OurDirectory, FilesystemIdentity.Nobody);

        (CgroupVersion version, string? reason, bool created, string? cleanup) = FilesystemIdentity.RunAs(FilesystemIdentity.Nobody, () =>
        {
            var provider = new CgroupProvider(tree.Host);
            bool ok = provider.TryCreate(out RunCgroup? run, out string? why);
            run?.ApplyLimits(64L << 20, 16);
            run?.Dispose();
            return (provider.Availability.Version, why, ok, run?.CleanupProblem);
        });

        Assert.True(created, reason);
        Assert.Equal(CgroupVersion.V2, version);
        Assert.Null(cleanup);
        Assert.False(Directory.Exists(tree.RunsParent));
    }

    [Fact]
    public void Unprivileged_user_on_this_hosts_real_hierarchies_gets_a_reason_with_EACCES_and_the_hint()
    {
        Assert.True(FilesystemIdentity.IsRoot, "this test switches fsuid and needs root");

        CgroupAvailability availability = FilesystemIdentity.RunAs(FilesystemIdentity.Nobody, () => new CgroupProvider().Availability);
        output.WriteLine(availability.Reason);

        Assert.Equal(CgroupVersion.None, availability.Version);
        Assert.NotNull(availability.Reason);
        if (CgroupProvider.Shared.Availability.Version == CgroupVersion.V1)
        {
            // The first required v1 hierarchy would refuse the mkdir of cordon/ in our cgroup (or of a run in cordon/).
            Assert.Matches(@"cgroup v1 memory: mkdir in /sys/fs/cgroup/memory\S*: EACCES \(hint: run as root or delegate a cgroup v2 subtree; see cordon doctor\)",
                availability.V1Problem);
        }
        Assert.Contains(PermissionHint, availability.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_kernel_refuses_an_unprivileged_mkdir_in_the_real_pids_hierarchy()
    {
        if (!Directory.Exists("/sys/fs/cgroup/pids")) return; // only meaningful on a v1 host like the development machine
        var start = new System.Diagnostics.ProcessStartInfo("setpriv")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/mkdir", $"/sys/fs/cgroup/pids/cordon-unprivileged-{Environment.ProcessId}" })
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Permission denied", stderr, StringComparison.Ordinal);
    }

    private static void ChangeOwner(string directory, int uid)
    {
        foreach (string path in Directory.GetFileSystemEntries(directory).Append(directory))
            Assert.Equal(0, Chown(path, uid, uid));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "chown", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
    private static extern int Chown(string path, int owner, int group);
}
