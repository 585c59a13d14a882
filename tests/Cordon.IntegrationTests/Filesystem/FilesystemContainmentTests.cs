using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Filesystem;

public class FilesystemContainmentTests : SandboxTest
{
    [Fact]
    public async Task Guest_cannot_read_host_etc_shadow()
    {
        byte[] before = await File.ReadAllBytesAsync("/etc/shadow");
        SandboxResult r = await RunAsync("cat", "/etc/shadow");
        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("No such file", Stderr(r));
        Assert.Equal(0, r.StandardOutput.TotalBytes);
        Assert.Equal(before, await File.ReadAllBytesAsync("/etc/shadow"));
    }

    [Fact]
    public async Task Guest_cannot_read_a_secret_file_outside_its_box()
    {
        string dir = HostTempDirectory();
        string secret = Path.Combine(dir, "secret.txt");
        await File.WriteAllTextAsync(secret, "TOP-SECRET-CANARY");
        File.SetUnixFileMode(secret, (UnixFileMode)0b110_100_100);

        SandboxResult r = await PythonAsync($$"""
            import os, errno
            for p in ["{{secret}}", "{{dir}}", "/tmp/{{Path.GetFileName(dir)}}/secret.txt"]:
                try:
                    print(open(p).read())
                except OSError as e:
                    print("refused", p, errno.errorcode[e.errno])
            """);
        AssertExited(r);
        Assert.DoesNotContain("TOP-SECRET-CANARY", Stdout(r));
        Assert.Contains("refused " + secret + " ENOENT", Stdout(r));
        Assert.Equal("TOP-SECRET-CANARY", await File.ReadAllTextAsync(secret));
    }

    [Fact]
    public async Task Host_home_root_run_var_and_sockets_are_absent()
    {
        SandboxResult r = await PythonAsync("""
            import os, errno
            for p in ["/home", "/root", "/run", "/var", "/srv", "/mnt", "/var/run/docker.sock", "/run/dbus/system_bus_socket", "/tmp/.X11-unix", "/etc/sudoers", "/etc/ssh", "/boot", "/sys"]:
                try:
                    os.stat(p); print("VISIBLE", p)
                except OSError as e:
                    print("absent", p, errno.errorcode[e.errno])
            print(sorted(os.listdir("/etc")))
            """);
        AssertExited(r);
        Assert.DoesNotContain("VISIBLE", Stdout(r));
        Assert.Contains("absent /home ENOENT", Stdout(r));
        Assert.DoesNotContain("shadow", Stdout(r));
    }

    [Fact]
    public async Task Guest_cannot_write_outside_its_work_dir_and_tmp()
    {
        SandboxResult r = await PythonAsync("""
            import errno
            for p in ["/usr/evil", "/etc/evil", "/evil", "/proc/evil", "/.cordon/evil", "/work/ok", "/tmp/ok"]:
                try:
                    open(p, "w").write("x"); print("wrote", p)
                except OSError as e:
                    print("refused", p, errno.errorcode[e.errno])
            """);
        AssertExited(r);
        string output = Stdout(r);
        Assert.Contains("refused /usr/evil", output);
        Assert.Contains("refused /etc/evil", output);
        Assert.Contains("refused /evil", output);
        Assert.Contains("wrote /work/ok", output);
        Assert.Contains("wrote /tmp/ok", output);
        Assert.False(File.Exists("/usr/evil"));
        Assert.False(File.Exists("/evil"));
    }

    [Fact]
    public async Task Nothing_written_by_one_run_is_visible_to_the_next()
    {
        AssertExited(await ShAsync("echo first > /work/state; echo first > /tmp/state"));
        SandboxResult second = await ShAsync("cat /work/state /tmp/state 2>&1; exit 0");
        Assert.Contains("No such file", Stdout(second));
    }

    [Fact]
    public async Task Read_only_and_read_write_binds_open_exactly_their_door()
    {
        string ro = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(ro, "input.txt"), "hello input");
        string rw = HostTempDirectory(worldWritable: true);
        SandboxPolicy policy = new SandboxPolicyBuilder().MountReadOnly(ro, "/in").MountReadWrite(rw, "/out").Build();

        SandboxResult r = await ShAsync("cat /in/input.txt; echo x > /in/new 2>/dev/null && echo WROTE-RO; cat /in/input.txt > /out/copy.txt", policy);
        AssertExited(r);
        Assert.Equal("hello input", Stdout(r));
        Assert.False(File.Exists(Path.Combine(ro, "new")));
        Assert.Equal("hello input", await File.ReadAllTextAsync(Path.Combine(rw, "copy.txt")));
    }

    [Fact]
    public async Task A_copied_file_is_readable_but_its_host_path_is_not_visible()
    {
        string dir = HostTempDirectory();
        string host = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(host, "a,b\n1,2\n");
        SandboxPolicy policy = new SandboxPolicyBuilder().CopyFile("/input.csv", host).Build();
        SandboxResult r = await ShAsync($"cat /input.csv; ls {dir} 2>&1; echo x > /input.csv 2>&1 || echo readonly", policy);
        Assert.StartsWith("a,b\n1,2\n", Stdout(r));
        Assert.Contains("No such file", Stdout(r));
        Assert.Contains("readonly", Stdout(r));
    }

    [Fact]
    public async Task Setuid_binaries_are_inert_and_no_capabilities_remain()
    {
        SandboxResult r = await ShAsync("grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status; id -u; su -c id root 2>&1; exit 0");
        string output = Stdout(r);
        Assert.Contains("CapEff:\t0000000000000000", output);
        Assert.Contains("CapBnd:\t0000000000000000", output);
        Assert.Contains("NoNewPrivs:\t1", output);
        Assert.Contains("Seccomp:\t2", output);
        Assert.Contains("1000", output);
        Assert.DoesNotContain("uid=0", output);
    }
}
