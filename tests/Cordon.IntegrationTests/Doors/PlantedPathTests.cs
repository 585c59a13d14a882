using Cordon.Errors;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Doors;

/// <summary>
/// Paths a caller names are opened once, without following links a guest could have planted, never blocking on a FIFO,
/// and of the right type; the kernel is then handed the descriptor. Each refusal is one precise message and starts nothing.
/// </summary>
public class PlantedPathTests : SandboxTest
{
    private readonly string _job;
    private readonly string _secret;

    public PlantedPathTests()
    {
        // A job directory as an earlier guest could have left it: links to a host secret and to a host directory.
        _job = HostTempDirectory();
        string secrets = HostTempDirectory();
        _secret = Path.Combine(secrets, "shadow");
        File.WriteAllText(_secret, "host-secret-value\n");
        File.CreateSymbolicLink(Path.Combine(_job, "input.txt"), _secret);
        Directory.CreateSymbolicLink(Path.Combine(_job, "data"), secrets);
        Directory.CreateSymbolicLink(Path.Combine(_job, "via"), _job);
        Directory.CreateDirectory(Path.Combine(_job, "real"));
        File.WriteAllText(Path.Combine(_job, "real", "ok.txt"), "ok\n");
        Mkfifo(Path.Combine(_job, "fifo"));
    }

    public static TheoryData<string, string> LinkedPaths => new()
    {
        { "input.txt", "is a symbolic link" },
        { "data", "is a symbolic link" },
        { "via/real", "goes through the symbolic link" },
    };

    [Theory]
    [MemberData(nameof(LinkedPaths))]
    public async Task A_planted_link_as_a_bind_source_is_refused_and_names_the_link(string relative, string expected)
    {
        string path = Path.Combine(_job, relative);
        bool isFile = File.Exists(path) && !Directory.Exists(path);
        foreach (SandboxPolicy policy in new[]
        {
            new SandboxPolicyBuilder().MountReadOnly(path, "/in").Build(),
            new SandboxPolicyBuilder().MountReadWrite(path, "/out").Build(),
        })
        {
            var e = await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("cat /in/* /out/* /in /out", policy));
            Assert.Contains(expected, e.Message);
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain("host-secret-value", e.Message);
        }

        if (!isFile)
        {
            var work = await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("ls /work", new SandboxPolicyBuilder().WithWorkDirectory(path).Build()));
            Assert.StartsWith("workdir:", work.Message);
        }
    }

    [Fact]
    public async Task A_planted_link_as_a_copied_file_is_refused_so_the_next_run_never_reads_the_hosts_secret()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().CopyFile("/in.txt", Path.Combine(_job, "input.txt")).Build();
        var e = await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("cat /in.txt", policy));
        Assert.Equal($"--file /in.txt: '{Path.Combine(_job, "input.txt")}' is a symbolic link; Cordon does not follow links in paths it opens for a run (a guest could have planted one) (hint: name the real path (for example the output of realpath) after checking it is what you meant)", e.Message);
    }

    [Fact]
    public async Task A_fifo_or_a_device_as_a_copied_file_is_refused_at_once_instead_of_blocking_or_growing_without_bound()
    {
        foreach ((string path, string what) in new[] { (Path.Combine(_job, "fifo"), "a FIFO (named pipe)"), ("/dev/zero", "a character device") })
        {
            SandboxPolicy policy = new SandboxPolicyBuilder().CopyFile("/in", path).Build();
            var e = await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("cat /in", policy)).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains($"is {what}, not a regular file", e.Message);
        }
    }

    [Fact]
    public async Task A_fifo_as_a_bind_source_is_refused()
    {
        var e = await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("cat /in", new SandboxPolicyBuilder().MountReadOnly(Path.Combine(_job, "fifo"), "/in").Build()));
        Assert.Contains("is a FIFO (named pipe); only directories and regular files can be granted", e.Message);
    }

    [Fact]
    public async Task The_real_path_still_works_and_a_bind_swapped_after_the_open_changes_nothing()
    {
        string real = Path.Combine(_job, "real");
        SandboxResult r = await ShAsync("cat /in/ok.txt", new SandboxPolicyBuilder().MountReadOnly(real, "/in").Build());
        AssertExited(r);
        Assert.Equal("ok\n", Stdout(r));
    }

    [Fact]
    public async Task A_refused_path_leaves_the_run_identity_free_for_the_next_run()
    {
        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<SandboxSetupException>(() => ShAsync("true", new SandboxPolicyBuilder().MountReadOnly(Path.Combine(_job, "data"), "/in").Build()));
        }

        SandboxResult ok = await ShAsync("echo fine");
        AssertExited(ok);
    }

    private static void Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path])!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
