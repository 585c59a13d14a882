using System.Globalization;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Doors;

/// <summary>As root, each run in flight has a host uid of its own, and writable grants land as the directory's owner.</summary>
public class HostIdentityTests : SandboxTest
{
    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public async Task Writes_into_a_root_owned_owner_only_grant_land_owned_by_root()
    {
        if (!IsRoot) return; // unprivileged, a run keeps the caller's uid: covered by scripts/rootless-smoke.sh
        string dir = HostTempDirectory();
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(dir, "existing.txt"), "before\n");
        string work = HostTempDirectory();
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        SandboxPolicy policy = new SandboxPolicyBuilder().MountReadWrite(dir, "/out").WithWorkDirectory(work).Build();
        SandboxResult r = await ShAsync("echo x > /out/new.txt && mkdir /out/sub && echo after >> /out/existing.txt && echo w > /work/w.txt && id -u && stat -c %u /out/new.txt", policy);

        AssertExited(r);
        Assert.Equal("1000\n1000\n", Stdout(r)); // inside, the guest owns what it wrote
        foreach (string path in new[] { Path.Combine(dir, "new.txt"), Path.Combine(dir, "sub"), Path.Combine(dir, "existing.txt"), Path.Combine(work, "w.txt") })
        {
            Assert.Equal((0u, 0u), Owner(path));
        }

        Assert.Equal("before\nafter\n", File.ReadAllText(Path.Combine(dir, "existing.txt")));
    }

    [Fact]
    public async Task Writes_land_owned_by_the_grant_owner_whoever_that_is()
    {
        if (!IsRoot) return;
        string dir = HostTempDirectory();
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(dir, 4321, 4322);

        SandboxResult r = await ShAsync("touch /out/f", new SandboxPolicyBuilder().MountReadWrite(dir, "/out").Build());

        AssertExited(r);
        Assert.Equal((4321u, 4322u), Owner(Path.Combine(dir, "f")));
    }

    [Fact]
    public async Task A_writable_grant_on_a_filesystem_that_refuses_idmapping_fails_before_the_guest_naming_path_and_filesystem()
    {
        if (!IsRoot) return;
        var e = await Assert.ThrowsAsync<Cordon.Errors.SandboxSetupException>(
            () => ShAsync("echo ran", new SandboxPolicyBuilder().MountReadWrite("/sys/kernel/mm", "/x").Build()));
        Assert.StartsWith("writable grant: '/sys/kernel/mm' is on sysfs, which refuses idmapped mounts", e.Message);
        Assert.Contains("grant it read-only with --ro", e.Message);
        // The identity and everything else of the failed run are given back: the next run works.
        AssertExited(await ShAsync("true"));
    }

    [Fact]
    public async Task Two_concurrent_runs_have_different_host_uids_seen_in_the_hosts_proc_and_neither_is_root_or_nobody()
    {
        if (!IsRoot) return;
        string[] markers = ["cordon-identity-a", "cordon-identity-b"];
        Task<SandboxResult>[] runs = [.. markers.Select(m => RunAsync(SandboxPolicy.Default, "/bin/sh", "-c", "sleep 4", m))];

        Dictionary<string, uint> hostUids = [];
        for (int attempt = 0; attempt < 200 && hostUids.Count < markers.Length; attempt++)
        {
            await Task.Delay(50);
            foreach (string marker in markers)
            {
                if (!hostUids.ContainsKey(marker) && HostUidOfProcessWith(marker) is { } uid) hostUids[marker] = uid;
            }
        }

        SandboxResult[] results = await Task.WhenAll(runs);
        foreach (SandboxResult r in results) AssertExited(r);
        Assert.Equal(markers.Length, hostUids.Count);
        Assert.NotEqual(hostUids[markers[0]], hostUids[markers[1]]);
        Assert.All(hostUids.Values, uid => Assert.True(uid >= Cordon.Backends.Process.Identity.HostIdentityRange.Default.First, $"uid {uid}"));
    }

    [Fact]
    public async Task A_run_that_exhausts_a_per_user_kernel_limit_does_not_make_a_concurrent_run_fail()
    {
        if (!IsRoot) return;
        // inotify instances are counted per user (fs.inotify.max_user_instances, 128 here by default).
        var hoarderReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SandboxResult> hoarder = Sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("python3", ["-c", """
            import ctypes, os, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            fds = []
            while True:
                fd = libc.inotify_init1(0)
                if fd < 0: break
                fds.append(fd)
            print("hoarded", len(fds), os.strerror(ctypes.get_errno()), flush=True)
            time.sleep(5)
            """])
        {
            OnOutput = (_, chunk) => { if (System.Text.Encoding.UTF8.GetString(chunk).Contains("hoarded", StringComparison.Ordinal)) hoarderReady.TrySetResult(); },
        });
        await hoarderReady.Task.WaitAsync(TimeSpan.FromSeconds(60));

        SandboxResult other = await PythonAsync("""
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(0)
            print("ok" if fd >= 0 else "failed: " + os.strerror(ctypes.get_errno()))
            """);
        SandboxResult first = await hoarder;

        AssertExited(first);
        Assert.Matches(@"^hoarded \d+ Too many open files\n$", Stdout(first));
        int hoarded = int.Parse(Stdout(first).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(hoarded >= 100, $"the hoarder stopped at {hoarded}, not at the per-user limit");
        AssertExited(other);
        Assert.Equal("ok\n", Stdout(other));
    }

    [Fact]
    public async Task The_host_uid_is_given_back_after_the_run_and_taken_again_by_the_next()
    {
        if (!IsRoot) return;
        SandboxResult first = await ShAsync("cat /proc/self/uid_map");
        SandboxResult second = await ShAsync("cat /proc/self/uid_map");
        AssertExited(first);
        AssertExited(second);
        // Lowest free id first: with nothing else in flight in this process, sequential runs reuse one id.
        Assert.Equal(Stdout(first), Stdout(second));
    }

    private static (uint Uid, uint Gid) Owner(string path)
    {
        string output = Run("stat", "-c", "%u %g", path);
        string[] parts = output.Trim().Split(' ');
        return (uint.Parse(parts[0], CultureInfo.InvariantCulture), uint.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static void Chown(string path, uint uid, uint gid) => Run("chown", $"{uid}:{gid}", path);

    private static string Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    /// <summary>The real uid, from the host's /proc, of a process whose command line contains <paramref name="marker"/>.</summary>
    private static uint? HostUidOfProcessWith(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmdline.StartsWith("/bin/sh -c sleep 4 " + marker, StringComparison.Ordinal)) continue;
                string? uidLine = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (uidLine is not null) return uint.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return null;
    }
}
