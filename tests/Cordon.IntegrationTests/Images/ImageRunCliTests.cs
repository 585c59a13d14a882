using Cordon.IntegrationTests.Support;

namespace Cordon.IntegrationTests.Images;

/// <summary>
/// <c>cordon run --image</c> end to end, with a real image built by umoci: the guest sees the image's root and none of
/// the host's, cannot write outside its writable layer, keeps every limit, and leaves nothing behind.
/// </summary>
public sealed class ImageRunCliTests : IDisposable
{
    private readonly TestImage _image = new("--config.entrypoint", "/bin/sh", "--config.cmd", "-c", "--config.cmd", "echo from-cmd; pwd; echo \"$GREETING\"",
        "--config.env", "GREETING=hello-from-image", "--config.workingdir", "/srv/app", "--config.user", "0");

    public void Dispose() => _image.Dispose();

    [Fact]
    public async Task The_guest_prints_the_images_release_and_sees_no_host_system_files()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--quiet", "--image", _image.Layout + ":v1", "--",
            "/bin/sh", "-c", "cat /etc/os-release; ls /; test -e /usr && echo HOST-USR; test -e /etc/passwd && echo HOST-PASSWD; test -e /etc/hostname && echo HOST-HOSTNAME; ls /lib 2>&1 | head -1");

        Assert.True(code == 0, stderr);
        Assert.StartsWith(TestImage.OsRelease, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("HOST-", stdout, StringComparison.Ordinal);
        Assert.Equal(["bin", "dev", "etc", "proc", "srv", "tmp", "work"], stdout[TestImage.OsRelease.Length..].Split('\n').TakeWhile(l => !l.StartsWith("ls:", StringComparison.Ordinal)).Where(l => l.Length > 0));
        AssertNothingLeft();
    }

    [Fact]
    public async Task Writes_land_only_in_the_writable_layer_and_its_size_holds()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--quiet", "--tmp-size", "1M", "--image", _image.Layout + ":v1", "--", "/bin/sh", "-c",
            "for p in /etc/x /bin/x /srv/app/x /x; do touch $p 2>/dev/null && echo WROTE $p; done; touch /tmp/ok /work/ok && echo layer-ok; "
            + "dd if=/dev/zero of=/tmp/big bs=64k count=64 2>/dev/null || echo tmp-full");

        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("WROTE", stdout, StringComparison.Ordinal);
        Assert.Contains("layer-ok", stdout, StringComparison.Ordinal);
        Assert.Contains("tmp-full", stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_image.CacheHome, "cordon", "images", "tmp")));
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_image.CacheHome, "cordon", "images", "roots"))); // nothing the guest did reached the cache
        AssertNothingLeft();
    }

    [Fact]
    public async Task Without_a_program_the_image_command_runs_with_its_workdir_and_its_env_only_when_asked()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--image", _image.Layout + ":v1");
        var (codeEnv, stdoutEnv, _) = await _image.CordonAsync(false, "run", "--quiet", "--image", _image.Layout + ":v1", "--image-env");

        Assert.True(code == 0, stderr);
        Assert.Equal("from-cmd\n/srv/app\n\n", stdout);
        Assert.Contains("running the image's command: /bin/sh -c", stderr, StringComparison.Ordinal);
        Assert.Contains("the image asks to run as root; the guest runs as uid 1000", stderr, StringComparison.Ordinal);
        Assert.Equal(0, codeEnv);
        Assert.Equal("from-cmd\n/srv/app\nhello-from-image\n", stdoutEnv);
    }

    [Fact]
    public async Task An_image_user_of_root_still_has_no_capabilities()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--quiet", "--guest-root", "--image", _image.Layout + ":v1", "--",
            "/bin/sh", "-c", "id -u; grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status");

        Assert.True(code == 0, stderr);
        Assert.StartsWith("0\n", stdout, StringComparison.Ordinal);
        Assert.Contains("CapEff:\t0000000000000000", stdout, StringComparison.Ordinal);
        Assert.Contains("CapPrm:\t0000000000000000", stdout, StringComparison.Ordinal);
        Assert.Contains("CapBnd:\t0000000000000000", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_process_limit_holds_in_an_image_root()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--quiet", "--json", "--pids", "8", "--image", _image.Layout + ":v1", "--",
            "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do sleep 5 & done; wait");

        Assert.Contains("\"outcome\": \"process_limit_exceeded\"", stdout, StringComparison.Ordinal);
        Assert.True(code == 123, $"{code}: {stderr}");
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_missing_or_corrupt_image_is_one_clear_error_with_exit_125()
    {
        var (missing, _, missingError) = await _image.CordonAsync(false, "run", "--image", Path.Combine(_image.Directory, "no-such-image"), "--", "/bin/true");
        var (tag, _, tagError) = await _image.CordonAsync(false, "run", "--image", _image.Layout + ":v9", "--", "/bin/true");
        foreach (string blob in Directory.EnumerateFiles(Path.Combine(_image.Layout, "blobs", "sha256")).Where(f => new FileInfo(f).Length > 100_000))
        {
            using var file = new FileStream(blob, FileMode.Open, FileAccess.Write);
            file.Position = file.Length / 2;
            file.WriteByte(0x42);
        }

        var (corrupt, _, corruptError) = await _image.CordonAsync(false, "run", "--image", _image.Layout + ":v1", "--", "/bin/true");

        Assert.Equal(125, missing);
        Assert.Contains("does not exist", missingError, StringComparison.Ordinal);
        Assert.Equal(125, tag);
        Assert.Contains("no image tagged 'v9'", tagError, StringComparison.Ordinal);
        Assert.Equal(125, corrupt);
        Assert.Contains("layer 0", corruptError, StringComparison.Ordinal); // a damaged gzip stream or a digest mismatch, whichever the change hits first
        Assert.Contains("damaged", corruptError, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task An_unpacked_rootfs_runs_the_same_way_and_a_dry_run_shows_its_binds()
    {
        await _image.CordonAsync(false, "run", "--quiet", "--image", _image.Layout + ":v1", "--", "/bin/true");
        string rootfs = Path.Combine(Directory.EnumerateDirectories(Path.Combine(_image.CacheHome, "cordon", "images", "roots")).Single(), "rootfs");

        var (code, stdout, stderr) = await _image.CordonAsync(false, "run", "--quiet", "--rootfs", rootfs, "--", "/bin/cat", "/etc/os-release");
        var (dry, plan, _) = await _image.CordonAsync(false, "run", "--dry-run", "--rootfs", rootfs, "--", "/bin/true");

        Assert.True(code == 0, stderr);
        Assert.Equal(TestImage.OsRelease, stdout);
        Assert.Equal(0, dry);
        Assert.Contains(rootfs + "/bin", plan, StringComparison.Ordinal);
        Assert.Contains("--landlock-ro \\\n/etc \\", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unprivileged_user_runs_an_image_rootless()
    {
        if (Environment.UserName != "root") return; // setpriv needs root; an unprivileged run of the suite is itself this case
        var (code, stdout, stderr) = await _image.CordonAsync(true, "run", "--quiet", "--image", _image.Layout + ":v1", "--", "/bin/sh", "-c", "cat /etc/os-release; id -u; touch /etc/x || echo ro");

        Assert.True(code == 0, stderr);
        Assert.Equal(TestImage.OsRelease + "1000\nro\n", stdout);
    }

    [Fact]
    public async Task The_escape_suite_passes_in_an_image_root_and_names_the_probes_that_cannot_apply()
    {
        var (code, stdout, stderr) = await _image.CordonAsync(false, "selftest", "--image", _image.Layout + ":v1", "--json");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("\"escaped\": 0,", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"verdict\": \"ESCAPED\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"verdict\": \"INCONCLUSIVE\"", stdout, StringComparison.Ordinal);
        // The image has busybox and no python3 or libc: the static C probes run, the others say why they cannot.
        Assert.Contains("the root has no python3", stdout, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"fs-dotdot-escape\"", stdout, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    private void AssertNothingLeft()
    {
        HostState.AssertNoSandboxLeft();
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(_image.Directory, StringComparison.Ordinal));
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                Assert.DoesNotContain(_image.Directory, File.ReadAllText(Path.Combine(dir, "cmdline")), StringComparison.Ordinal);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
