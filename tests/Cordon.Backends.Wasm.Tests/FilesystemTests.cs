using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

/// <summary>Filesystem: only preopened directories, read-only where the policy says so; nothing outside them.</summary>
public sealed class FilesystemTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    private const int Success = 0;

    [Theory]
    [InlineData("../victim.txt")]
    [InlineData("../../victim.txt")]
    [InlineData("/victim.txt")]
    [InlineData("escape-link")]
    [InlineData("escape-dir-link/victim.txt")]
    public async Task A_module_cannot_open_a_path_outside_its_preopens(string path)
    {
        using var root = new TempDirectory();
        string granted = Directory.CreateDirectory(root.File("granted")).FullName;
        string victim = root.File("victim.txt");
        File.WriteAllText(victim, "host data");
        File.CreateSymbolicLink(Path.Combine(granted, "escape-link"), victim);
        Directory.CreateSymbolicLink(Path.Combine(granted, "escape-dir-link"), root.Path);

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountReadWrite(granted, "/data")),
            TestSupport.Command("open_path.wat", path));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.NotEqual(Success, result.ExitCode);   // a WASI errno (ENOTCAPABLE / EPERM / ENOENT)
        Assert.Equal("host data", File.ReadAllText(victim));
        Assert.Equal(["escape-dir-link", "escape-link"], Directory.GetFileSystemEntries(granted).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_module_with_no_mounts_has_no_directory_at_all()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("open_path.wat", "anything.txt"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(8, result.ExitCode);   // EBADF: fd 3 does not exist
    }

    [Fact]
    public async Task A_read_only_mount_cannot_be_written()
    {
        using var root = new TempDirectory();
        File.WriteAllText(root.File("existing.txt"), "original");

        SandboxResult created = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountReadOnly(root.Path, "/data")),
            TestSupport.Command("open_path.wat", "new.txt"));
        SandboxResult truncated = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountReadOnly(root.Path, "/data")),
            TestSupport.Command("open_path.wat", "existing.txt"));

        Assert.NotEqual(Success, created.ExitCode);
        Assert.NotEqual(Success, truncated.ExitCode);
        Assert.False(File.Exists(root.File("new.txt")));
        Assert.Equal("original", File.ReadAllText(root.File("existing.txt")));
    }

    [Fact]
    public async Task A_read_write_mount_can_be_written()
    {
        using var root = new TempDirectory();

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountReadWrite(root.Path, "/data")),
            TestSupport.Command("open_path.wat", "new.txt"));

        Assert.True(result.ExitCode == Success, result.Describe());
        Assert.Equal("written\n", File.ReadAllText(root.File("new.txt")));
    }

    [Fact]
    public async Task The_work_directory_is_preopened_read_write_at_slash_work()
    {
        using var root = new TempDirectory();

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithWorkDirectory(root.Path)),
            TestSupport.Command("open_path.wat", "output.txt"));

        Assert.Equal(Success, result.ExitCode);
        Assert.Equal("written\n", File.ReadAllText(root.File("output.txt")));
        Assert.Contains(result.Warnings, w => w.Contains("limits.fsize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_mount_is_not_visible_and_the_result_says_why()
    {
        using var root = new TempDirectory();
        File.WriteAllText(root.File("config.json"), "{}");

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountReadOnly(root.File("config.json"), "/config.json")),
            TestSupport.Command("open_path.wat", "config.json"));

        Assert.Equal(8, result.ExitCode);
        Assert.Contains(result.Warnings, w => w.Contains("/config.json", StringComparison.Ordinal) && w.Contains("directories only", StringComparison.Ordinal));
    }
}
