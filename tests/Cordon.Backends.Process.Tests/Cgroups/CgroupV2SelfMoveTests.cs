using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// cgroup v2's "no internal processes" rule on this host's real cgroup2 hierarchy. Its only controller here is
/// hugetlb (memory, pids and cpu are bound to v1), which is enough for the kernel to refuse controllers to the
/// children of a cgroup with members, and to show Cordon moving itself out of the way when it is alone there, and
/// touching nothing when it is not. The test process itself is put in a fresh cgroup2 child for each test and put
/// back afterwards; the collection runs alone, so no sandbox of another test is spawned from inside it.
/// </summary>
[Collection(RealCgroupCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class CgroupV2SelfMoveTests : IDisposable
{
    private readonly string _mount;
    private readonly string _originalCgroup;
    private readonly string _test;
    private readonly bool _enabledAtRoot;
    private System.Diagnostics.Process? _bystander;

    public CgroupV2SelfMoveTests()
    {
        Assert.True(FilesystemIdentity.IsRoot, "this test moves the test process between cgroup2 cgroups and needs root");
        _mount = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Contains("cgroup2")).Select(f => f[4]).FirstOrDefault()
            ?? throw new InvalidOperationException("this host has no cgroup2 mount");
        Assert.Contains("hugetlb", File.ReadAllText(_mount + "/cgroup.controllers"));
        _originalCgroup = OwnCgroup();
        if (!File.ReadAllText(_mount + "/cgroup.subtree_control").Contains("hugetlb", StringComparison.Ordinal))
        {
            File.WriteAllText(_mount + "/cgroup.subtree_control", "+hugetlb");
            _enabledAtRoot = true;
        }

        _test = $"{_mount}/cordon-selfmove-test-{Environment.ProcessId}";
        Directory.CreateDirectory(_test);
        Join(_test, Environment.ProcessId);
    }

    private static CgroupProvider HugetlbProvider() => new(CgroupHostView.Current with { V2Controllers = ["hugetlb"] });

    [Fact]
    public void Alone_in_its_cgroup_cordon_moves_itself_into_a_leaf_and_runs_go_beside_it()
    {
        CgroupAvailability availability = HugetlbProvider().Availability;

        Assert.Equal(CgroupVersion.V2, availability.Version);
        Assert.Equal(_test, availability.Hierarchies[0].Directory);
        Assert.Equal(Relative(_test) + "/" + CgroupProvider.SupervisorLeafName, OwnCgroup());
        Assert.Contains("hugetlb", File.ReadAllText(_test + "/cgroup.subtree_control"));
        Assert.False(Directory.Exists(_test + "/" + CgroupProvider.ParentDirectoryName), "the detection probe was removed, and its parent");

        // A second detection in the same process sees the leaf and keeps its parent as the cgroup it owns.
        CgroupProvider again = HugetlbProvider();
        Assert.Equal(_test, again.Availability.Hierarchies[0].Directory);
        Assert.True(again.TryCreate(out RunCgroup? run, out string? reason), reason);
        using (run)
        {
            Assert.StartsWith(_test + "/cordon/cordon-", run.JoinDirectories.Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void With_another_process_in_its_cgroup_cordon_moves_nobody_and_explains_the_kernel_refusal()
    {
        _bystander = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/sleep", "60"))!;
        Join(_test, _bystander.Id);

        CgroupAvailability availability = HugetlbProvider().Availability;

        Assert.NotEqual(CgroupVersion.V2, availability.Version);
        Assert.Contains("EBUSY", availability.V2Problem, StringComparison.Ordinal);
        Assert.Contains("it holds 2 process(es), Cordon itself among them", availability.V2Problem, StringComparison.Ordinal);
        Assert.Equal(Relative(_test), OwnCgroup());
        Assert.False(Directory.Exists(_test + "/" + CgroupProvider.SupervisorLeafName));
        Assert.Contains(_bystander.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(_test + "/cgroup.procs"));
    }

    private string Relative(string directory) => directory[_mount.Length..];

    private static string OwnCgroup() => File.ReadLines("/proc/self/cgroup").Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];

    private static void Join(string cgroup, int pid) => File.WriteAllText(cgroup + "/cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (_bystander is { } sleep)
        {
            sleep.Kill();
            sleep.WaitForExit();
            sleep.Dispose();
        }

        Join(_mount + (_originalCgroup == "/" ? "" : _originalCgroup), Environment.ProcessId);
        foreach (string directory in new[] { _test + "/" + CgroupProvider.ParentDirectoryName, _test + "/" + CgroupProvider.SupervisorLeafName, _test })
        {
            if (Directory.Exists(directory)) Directory.Delete(directory);
        }

        if (_enabledAtRoot) File.WriteAllText(_mount + "/cgroup.subtree_control", "-hugetlb");
    }
}
