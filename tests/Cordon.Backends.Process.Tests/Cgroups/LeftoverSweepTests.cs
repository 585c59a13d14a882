using System.Globalization;
using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>The sweep removes what dead supervisors left, and only that: a live owner's runs stay, a reused pid does not protect.</summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverSweepTests
{
    private static int DeadPid()
    {
        int max = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);
        for (int pid = max - 1; pid > 1000; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}")) return pid;
        }

        throw new InvalidOperationException("no free pid");
    }

    [Fact]
    public async Task Only_runs_and_temp_dirs_of_gone_owners_are_removed()
    {
        using var tree = new FakeCgroup2Tree();
        var provider = new CgroupProvider(tree.Host);
        Assert.True(provider.Availability.IsUsable, provider.Availability.Reason);
        string temp = Directory.CreateTempSubdirectory("cordon-sweep-test-").FullName;
        try
        {
            int dead = DeadPid();
            string deadRun = Path.Combine(tree.RunsParent, $"cordon-{dead}-1-0badc0de");
            string liveRun = Path.Combine(tree.RunsParent, $"cordon-{Environment.ProcessId}-9-00c0ffee");
            string deadTemp = Path.Combine(temp, $"cordon-wasm-{dead}-abc");
            string liveTemp = Path.Combine(temp, $"cordon-wasm-{Environment.ProcessId}-abc");
            string unrelated = Path.Combine(tree.RunsParent, "not-a-run");
            foreach (string dir in new[] { deadRun, liveRun, deadTemp, liveTemp, unrelated }) Directory.CreateDirectory(dir);

            // A pid that exists now but whose process started after the run was created: reused, so the owner is gone.
            string reusedRun = Path.Combine(tree.RunsParent, "cordon-PID-2-feedface");
            await Task.Delay(TimeSpan.FromSeconds(3));
            using var later = System.Diagnostics.Process.Start("sleep", "30");
            string reused = reusedRun.Replace("PID", later.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Directory.CreateDirectory(reused);
            Directory.SetCreationTimeUtc(reused, DateTime.UtcNow.AddSeconds(-10));
            try
            {
                SweepReport report = LeftoverSweep.Run(provider, temp);
                Assert.Empty(report.Problems);
                Assert.False(Directory.Exists(deadRun));
                Assert.False(Directory.Exists(deadTemp));
                Assert.True(Directory.Exists(liveRun));
                Assert.True(Directory.Exists(liveTemp));
                Assert.True(Directory.Exists(unrelated));
                Assert.Contains(deadRun, report.Removed);
                Assert.Equal(LeftoverSweep.OwnerIsGone(later.Id, reused), !Directory.Exists(reused));
            }
            finally
            {
                later.Kill();
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void A_temp_directory_someone_else_could_have_made_is_never_removed_nor_followed()
    {
        using var tree = new FakeCgroup2Tree();
        var provider = new CgroupProvider(tree.Host);
        string temp = Directory.CreateTempSubdirectory("cordon-sweep-test-").FullName;
        string victim = Directory.CreateTempSubdirectory("cordon-sweep-victim-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(victim, "keep"), "keep\n");
            int dead = DeadPid();
            // Named like a dead supervisor's leftovers, but a link, or writable by others: what any local user can plant in /tmp.
            string link = Path.Combine(temp, $"cordon-wasm-{dead}-link");
            Directory.CreateSymbolicLink(link, victim);
            string open = Path.Combine(temp, $"cordon-wasm-{dead}-open");
            Directory.CreateDirectory(open);
            File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
            Directory.CreateSymbolicLink(Path.Combine(open, "inner"), victim);

            SweepReport report = LeftoverSweep.Run(provider, temp);

            Assert.DoesNotContain(link, report.Removed);
            Assert.DoesNotContain(open, report.Removed);
            Assert.True(Directory.Exists(open));
            Assert.Equal("keep\n", File.ReadAllText(Path.Combine(victim, "keep")));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
            Directory.Delete(victim, recursive: true);
        }
    }

    [Fact]
    public void An_owner_that_started_before_the_entry_is_alive_and_one_that_started_after_is_not()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-sweep-owner-").FullName;
        try
        {
            Assert.False(LeftoverSweep.OwnerIsGone(Environment.ProcessId, dir));
            Assert.True(LeftoverSweep.OwnerIsGone(DeadPid(), dir));
            Directory.SetCreationTimeUtc(dir, DateTime.UtcNow.AddYears(-30));
            // Where the filesystem keeps no settable birth time, .NET reports the older of ctime and mtime instead.
            if (Directory.GetCreationTimeUtc(dir) < DateTime.UtcNow.AddYears(-1))
                Assert.True(LeftoverSweep.OwnerIsGone(Environment.ProcessId, dir));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
