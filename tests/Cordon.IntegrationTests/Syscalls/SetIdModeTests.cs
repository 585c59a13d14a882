using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Syscalls;

/// <summary>
/// Set-id bits: refused on files (whoever executes such a file left in a grant runs as its owner or group), carried out by
/// the supervisor on directories, where S_ISGID only makes new entries inherit the group.
/// </summary>
public class SetIdModeTests : SandboxTest
{
    [Fact]
    public async Task Setgid_directories_are_allowed_and_set_id_files_stay_refused()
    {
        SandboxResult r = await ShAsync("""
            mkdir -m 2775 /tmp/shared && stat -c '%A' /tmp/shared
            mkdir /tmp/plain && chmod g+s /tmp/plain && stat -c '%A' /tmp/plain
            touch /tmp/file && chmod g+s /tmp/file; chmod u+s /tmp/file; stat -c '%A' /tmp/file
            ln -s /tmp/file /tmp/link && chmod g+s /tmp/link; stat -c '%A' /tmp/file
            """);

        AssertExited(r);
        Assert.Equal("drwxrwsr-x\ndrwxr-sr-x\n-rw-r--r--\n-rw-r--r--\n", Stdout(r));
        // Only the three attempts on the file (one through a symlink) were refused; the directories were not.
        Assert.Equal(3, r.Violations.Where(v => v.Syscall is "fchmodat" or "chmod").Sum(v => v.Count));
    }

    [Fact]
    public async Task A_setgid_directory_is_not_a_violation_under_on_violation_kill()
    {
        SandboxPolicy kill = new SandboxPolicyBuilder().WithViolationAction(ViolationAction.Kill).Build();

        SandboxResult r = await ShAsync("git init -q --shared=group /tmp/repo && stat -c '%A' /tmp/repo/.git/objects", kill);

        AssertExited(r);
        Assert.Equal("drwxrwsr-x\n", Stdout(r));
        Assert.Empty(r.Violations);
    }

    [Fact]
    public async Task A_directory_on_a_read_only_mount_keeps_its_mode()
    {
        string dir = HostTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "sub"));

        SandboxResult r = await ShAsync("chmod g+s /data/sub; echo $?", new SandboxPolicyBuilder().MountReadOnly(dir, "/data").Build());

        AssertExited(r);
        Assert.Equal("1\n", Stdout(r));
        // EPERM (not the owner) or EROFS (the mount), whichever the kernel's order and the host's uids give: never applied.
        Assert.True(Stderr(r).Contains("Read-only file system", StringComparison.Ordinal) || Stderr(r).Contains("Operation not permitted", StringComparison.Ordinal), Stderr(r));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(dir, "sub")) & UnixFileMode.SetGroup);
    }
}
