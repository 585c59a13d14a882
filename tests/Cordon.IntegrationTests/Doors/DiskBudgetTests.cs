using System.Globalization;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.IntegrationTests.Doors;

/// <summary>
/// As root, each writable grant has a byte and file budget: the guest's writes go to a layer of that size and are
/// applied to the host directory when the run ends, without following any link in it.
/// </summary>
public class DiskBudgetTests : SandboxTest
{
    private static bool IsRoot => Environment.UserName == "root";

    private string OwnerOnlyDirectory()
    {
        string dir = HostTempDirectory();
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    [Fact]
    public async Task A_guest_filling_its_workdir_stops_at_the_byte_budget_with_disk_exceeded()
    {
        if (!IsRoot) return;
        string work = OwnerOnlyDirectory();
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWorkDirectory(work).WithDiskBudget(8 * ByteSize.MiB).WithFileSize(null).Build();

        SandboxResult r = await ShAsync("head -c 64000000 /dev/zero > /work/big", policy);

        Assert.Equal(SandboxOutcome.DiskExceeded, r.Outcome);
        Assert.Contains("No space left on device", Stderr(r));
        Assert.Contains("/work filled its disk budget", r.Detail);
        long size = new FileInfo(Path.Combine(work, "big")).Length;
        Assert.InRange(size, 1, 8 * ByteSize.MiB);
    }

    [Fact]
    public async Task A_guest_creating_files_stops_at_the_file_budget()
    {
        if (!IsRoot) return;
        string work = OwnerOnlyDirectory();
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWorkDirectory(work).WithDiskInodes(100).Build();

        SandboxResult r = await ShAsync("i=0; while [ $i -lt 1000 ]; do : > /work/f$i || exit 1; i=$((i+1)); done", policy);

        Assert.Equal(SandboxOutcome.DiskExceeded, r.Outcome);
        Assert.InRange(Directory.GetFiles(work).Length, 90, 100);
    }

    [Fact]
    public async Task Creations_changes_deletions_and_replaced_directories_land_on_the_host_owned_as_before()
    {
        if (!IsRoot) return;
        string work = OwnerOnlyDirectory();
        File.WriteAllText(Path.Combine(work, "existing"), "old\n");
        File.WriteAllText(Path.Combine(work, "doomed"), "x\n");
        Directory.CreateDirectory(Path.Combine(work, "dir"));
        File.WriteAllText(Path.Combine(work, "dir", "stale"), "stale\n");
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWorkDirectory(work).Build();

        SandboxResult r = await ShAsync("""
            cd /work && echo new >> existing && echo made > made && rm doomed && rm -r dir && mkdir dir && echo fresh > dir/fresh \
              && ln -s /etc/passwd link && mkdir -p a/b/c && echo deep > a/b/c/d && chmod 600 made && mkfifo pipe
            """, policy);

        AssertExited(r);
        Assert.Equal("old\nnew\n", File.ReadAllText(Path.Combine(work, "existing")));
        Assert.Equal("made\n", File.ReadAllText(Path.Combine(work, "made")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(work, "made")));
        Assert.False(File.Exists(Path.Combine(work, "doomed")));
        Assert.Equal(["fresh"], Directory.GetFileSystemEntries(Path.Combine(work, "dir")).Select(Path.GetFileName));
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(work, "link")).LinkTarget);
        Assert.Equal("deep\n", File.ReadAllText(Path.Combine(work, "a", "b", "c", "d")));
        Assert.False(File.Exists(Path.Combine(work, "pipe")));
        Assert.Contains(r.Warnings, w => w.Contains("1 FIFOs, sockets or device nodes", StringComparison.Ordinal));
        foreach (string path in Directory.EnumerateFileSystemEntries(work, "*", SearchOption.AllDirectories))
        {
            Assert.Equal("0 0", Stat(path));
        }
    }

    [Fact]
    public async Task A_link_planted_in_the_host_directory_during_the_run_is_replaced_not_followed()
    {
        if (!IsRoot) return;
        string work = OwnerOnlyDirectory();
        string elsewhere = HostTempDirectory();
        File.WriteAllText(Path.Combine(elsewhere, "victim"), "untouched\n");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SandboxResult> run = Sandbox.RunAsync(new SandboxPolicyBuilder().WithWorkDirectory(work).Build(),
            new SandboxCommand("/bin/sh", ["-c", "mkdir /work/out && echo pwned > /work/out/victim && echo ready && sleep 1"])
            {
                OnOutput = (_, _) => ready.TrySetResult(),
            });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // What another run sharing the directory could do before this one's writes are applied.
        Directory.CreateSymbolicLink(Path.Combine(work, "out"), elsewhere);

        SandboxResult r = await run;

        AssertExited(r);
        Assert.Equal("untouched\n", File.ReadAllText(Path.Combine(elsewhere, "victim")));
        Assert.Null(new DirectoryInfo(Path.Combine(work, "out")).LinkTarget);
        Assert.Equal("pwned\n", File.ReadAllText(Path.Combine(work, "out", "victim")));
    }

    [Fact]
    public async Task Without_a_budget_writes_go_straight_to_the_host_while_the_run_lasts()
    {
        if (!IsRoot) return;
        string work = OwnerOnlyDirectory();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SandboxResult> run = Sandbox.RunAsync(new SandboxPolicyBuilder().WithWorkDirectory(work).WithDiskBudget(null).Build(),
            new SandboxCommand("/bin/sh", ["-c", "echo live > /work/live && echo ready && sleep 1"]) { OnOutput = (_, _) => ready.TrySetResult() });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        bool visibleDuringRun = File.Exists(Path.Combine(work, "live"));
        AssertExited(await run);
        Assert.True(visibleDuringRun);
        Assert.Equal("0 0", Stat(Path.Combine(work, "live")));
    }

    private static string Stat(string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
