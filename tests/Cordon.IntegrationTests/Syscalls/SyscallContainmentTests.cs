using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Syscalls;

public class SyscallContainmentTests : SandboxTest
{
    private static string Call(string nr, string args = "0,0,0,0") => $$"""
        import ctypes, errno
        libc = ctypes.CDLL(None, use_errno=True)
        r = libc.syscall({{nr}}, {{args}})
        print(r, errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()))
        """;

    [Theory]
    [InlineData("ptrace", "101", "EPERM")]
    [InlineData("unshare", "272", "EPERM")]
    [InlineData("mount", "165", "EPERM")]
    [InlineData("bpf", "321", "EPERM")]
    [InlineData("io_uring_setup", "425", "EPERM")]
    [InlineData("keyctl", "250", "EPERM")]
    [InlineData("perf_event_open", "298", "EPERM")]
    [InlineData("userfaultfd", "323", "EPERM")]
    [InlineData("process_vm_readv", "310", "EPERM")]
    [InlineData("init_module", "175", "EPERM")]
    [InlineData("kexec_load", "246", "EPERM")]
    [InlineData("open_by_handle_at", "304", "EPERM")]
    [InlineData("fsopen", "430", "EPERM")]
    [InlineData("setns", "308", "EPERM")]
    public async Task Refused_syscalls_fail_and_are_named_in_the_result(string name, string nr, string errno)
    {
        SandboxResult r = await PythonAsync(Call(nr));
        AssertExited(r);
        Assert.Equal($"-1 {errno}\n", Stdout(r));
        SyscallViolation v = Assert.Single(r.Violations, v => v.Syscall == name);
        Assert.Equal(1, v.Count);
        Assert.Equal("errno", v.Action);
    }

    [Fact]
    public async Task Clone3_gets_enosys_so_libc_falls_back_and_is_not_a_violation()
    {
        SandboxResult r = await PythonAsync(Call("435", "0,0") + "\nimport threading; t = threading.Thread(target=print, args=('thread ok',)); t.start(); t.join()");
        AssertExited(r);
        Assert.Equal("-1 ENOSYS\nthread ok\n", Stdout(r));
        Assert.Empty(r.Violations);
    }

    [Fact]
    public async Task Kill_mode_ends_the_run_with_syscall_denied_naming_the_call()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithViolationAction(ViolationAction.Kill).Build();
        SandboxResult r = await PythonAsync(Call("101") + "\nprint('still alive')", policy);
        Assert.Equal(SandboxOutcome.SyscallDenied, r.Outcome);
        Assert.DoesNotContain("still alive", Stdout(r));
        SyscallViolation v = Assert.Single(r.Violations);
        Assert.Equal(("ptrace", "kill"), (v.Syscall, v.Action));
    }

    [Fact]
    public async Task X32_and_i386_entry_points_are_refused()
    {
        SandboxResult x32 = await PythonAsync(Call("0x40000000 | 39", "0,0,0,0"));
        Assert.Equal(SandboxOutcome.SyscallDenied, x32.Outcome);
        Assert.Equal(31, x32.Signal);
    }

    [Fact]
    public async Task A_flood_of_refused_calls_is_answered_and_counted_exactly()
    {
        // Counts, not speed: each refused call costs 5-70 us depending on the machine (bench/run measures it), so the
        // limits here are a safety net far above any machine's time for 200 000 calls.
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMinutes(10)).WithCpuTime(TimeSpan.FromMinutes(10)).Build();
        SandboxResult r = await PythonAsync("""
            import ctypes
            f = ctypes.CDLL(None).syscall
            for _ in range(200_000): f(101, 0, 0, 0, 0)
            print("done")
            """, policy);
        AssertExited(r);
        Assert.Equal("done\n", Stdout(r));
        Assert.Equal(200_000, Assert.Single(r.Violations).Count);
    }

    [Fact]
    public async Task Sockets_of_families_the_network_policy_does_not_allow_are_refused()
    {
        SandboxResult r = await PythonAsync("""
            import socket, errno
            for fam, typ in [(socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM), (socket.AF_NETLINK, socket.SOCK_RAW), (socket.AF_PACKET, socket.SOCK_RAW), (40, socket.SOCK_STREAM)]:
                try:
                    socket.socket(fam, typ); print("OPENED", fam)
                except OSError as e:
                    print("refused", fam, errno.errorcode[e.errno])
            a, b = socket.socketpair(); a.send(b"unix ok"); print(b.recv(7).decode())
            """);
        AssertExited(r);
        Assert.DoesNotContain("OPENED", Stdout(r));
        Assert.Contains("unix ok", Stdout(r));
        Assert.Equal(5, Assert.Single(r.Violations, v => v.Syscall == "socket").Count);
    }

    [Fact]
    public async Task With_a_loopback_network_only_netlink_route_opens_sees_only_the_sandbox_and_changes_nothing()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).WithViolationAction(ViolationAction.Kill).Build();
        SandboxResult r = await PythonAsync("""
            import socket, struct, errno
            # glibc's AI_ADDRCONFIG probe opens NETLINK_ROUTE; in kill mode a refusal would end the run here.
            print("lookup", socket.getaddrinfo("localhost", 80, flags=socket.AI_ADDRCONFIG)[0][4][0])
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
            s.bind((0, 0))
            # RTM_GETLINK dump: every interface the guest can see.
            s.send(struct.pack("=IHHII", 32, 18, 0x301, 1, 0) + struct.pack("=BBHiII", 0, 0, 0, 0, 0, 0))
            names, done = [], False
            while not done:
                data = s.recv(65536)
                off = 0
                while off < len(data):
                    length, kind = struct.unpack_from("=IH", data, off)
                    if kind == 3: done = True; break
                    attr = off + 32
                    while attr < off + length:
                        alen, atype = struct.unpack_from("=HH", data, attr)
                        if atype == 3: names.append(data[attr + 4:attr + alen].rstrip(b"\0").decode())
                        attr += (alen + 3) & ~3
                    off += (length + 3) & ~3
            print("links", ",".join(sorted(names)))
            # RTM_NEWADDR 10.9.9.9/32 on lo: a change, which needs CAP_NET_ADMIN.
            msg = struct.pack("=BBBBI", 2, 32, 0, 0, 1) + struct.pack("=HH4s", 8, 1, bytes([10, 9, 9, 9]))
            s.send(struct.pack("=IHHII", 16 + len(msg), 20, 0x405, 2, 0) + msg)
            reply = s.recv(65536)
            print("newaddr", errno.errorcode.get(-struct.unpack_from("=i", reply, 16)[0], "OK"))
            """, policy);

        AssertExited(r);
        Assert.Equal("lookup 127.0.0.1\nlinks lo\nnewaddr EPERM\n", Stdout(r));
        Assert.Empty(r.Violations);
    }

    [Fact]
    public async Task With_a_network_other_netlink_protocols_stay_refused()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build();
        SandboxResult r = await PythonAsync("""
            import socket, errno
            # NETLINK_SOCK_DIAG, NETLINK_AUDIT, NETLINK_NETFILTER, NETLINK_KOBJECT_UEVENT
            for proto in (4, 9, 12, 15):
                try:
                    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto); print("OPENED", proto)
                except OSError as e:
                    print("refused", proto, errno.errorcode[e.errno])
            """, policy);

        AssertExited(r);
        Assert.Equal("refused 4 EPERM\nrefused 9 EPERM\nrefused 12 EPERM\nrefused 15 EPERM\n", Stdout(r));
        Assert.Equal(4, Assert.Single(r.Violations, v => v.Syscall == "socket").Count);
    }

    [Fact]
    public async Task Common_runtimes_run_unchanged_under_the_default_profile()
    {
        AssertExited(await ShAsync("ls / >/dev/null && mkdir -p /tmp/a/b && echo x | sort | wc -l && cat /etc/passwd | head -1 && rm -r /tmp/a"));
        SandboxResult py = await PythonAsync("import threading, hashlib, json, subprocess, ssl, decimal; print(subprocess.run(['true']).returncode, hashlib.sha256(b'x').hexdigest()[:8])");
        AssertExited(py);
        Assert.Empty(py.Violations);
        if (File.Exists("/usr/bin/node"))
        {
            SandboxResult node = await RunAsync("node", "-e", "setTimeout(() => console.log(require('fs').readFileSync('/etc/hostname', 'utf8').trim()), 10)");
            AssertExited(node);
            Assert.Equal("cordon\n", Stdout(node));
        }
    }

    [Fact]
    public async Task A_gcc_compiled_program_builds_and_runs_under_the_default_profile()
    {
        string dir = HostTempDirectory(worldWritable: true);
        await File.WriteAllTextAsync(Path.Combine(dir, "hello.c"), "#include <stdio.h>\nint main(void){puts(\"compiled ok\");return 0;}\n");
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWorkDirectory(dir).WithCpuTime(TimeSpan.FromSeconds(20)).WithWallTime(TimeSpan.FromSeconds(30)).Build();
        SandboxResult build = await ShAsync("gcc -o hello hello.c && ./hello", policy);
        AssertExited(build);
        Assert.Equal("compiled ok\n", Stdout(build));
    }

    [Fact]
    public async Task A_static_filter_runs_under_the_strict_profile_and_cannot_open_files()
    {
        string dir = HostTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "upper.c"), """
            #include <ctype.h>
            #include <fcntl.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                if (argc > 1) return open(argv[1], O_RDONLY) < 0 ? 3 : 4;
                char b[4096]; ssize_t n;
                while ((n = read(0, b, sizeof b)) > 0) { for (ssize_t i = 0; i < n; i++) b[i] = (char)toupper((unsigned char)b[i]); write(1, b, (size_t)n); }
                return 0;
            }
            """);
        using (var gcc = System.Diagnostics.Process.Start("gcc", ["-static", "-O2", "-o", Path.Combine(dir, "upper"), Path.Combine(dir, "upper.c")]))
        {
            await gcc.WaitForExitAsync();
            Assert.Equal(0, gcc.ExitCode);
        }

        SandboxPolicy strict = new SandboxPolicyBuilder().WithSyscallProfile(SyscallProfile.Strict).MountReadOnly(dir, "/opt/filter").Build();
        SandboxResult r = await Sandbox.RunAsync(strict, new SandboxCommand("/opt/filter/upper") { StandardInput = "stdin to stdout\n"u8.ToArray() });
        AssertExited(r);
        Assert.Equal("STDIN TO STDOUT\n", Stdout(r));

        SandboxResult open = await Sandbox.RunAsync(strict, new SandboxCommand("/opt/filter/upper", ["/etc/hostname"]));
        AssertExited(open, 3);
        Assert.Contains(open.Violations, v => v.Syscall == "openat");
    }
}
