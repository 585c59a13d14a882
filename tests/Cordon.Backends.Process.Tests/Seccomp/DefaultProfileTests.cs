using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>The default profile under bubblewrap (refused calls fail with an errno, as no supervisor answers here).</summary>
[Collection(SeccompTestCollection.Name)]
public class DefaultProfileTests
{
    private const int Eperm = 1;
    private const int Ehwpoison = 133; // an errno no kernel path here returns: proves the filter answered

    private static SeccompProgram Program(NetworkMode network = NetworkMode.None, int refusedErrno = Eperm)
        => SeccompFilterCompiler.Compile(SyscallPolicy.Default, network, RefusedCallAction.FailWith(refusedErrno));

    [Fact]
    public void Python3_with_threads_hashlib_ssl_and_subprocess_runs_unchanged()
    {
        const string script = """
            import threading, hashlib, ssl, subprocess, os, tempfile
            out = []
            def work(i): out.append(hashlib.sha256(str(i).encode()).hexdigest()[:8])
            threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
            [t.start() for t in threads]; [t.join() for t in threads]
            rc = subprocess.run(['/bin/true']).returncode
            with tempfile.TemporaryDirectory() as d:
                open(os.path.join(d, 'f'), 'w').write('x'); os.listdir(d)
            print('threads', len(out), 'true', rc, 'ssl', ssl.OPENSSL_VERSION.split()[0])
            """;

        var result = BwrapRunner.Run(Program(), ["/usr/bin/python3", "-c", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("threads 4 true 0 ssl OpenSSL", result.StandardOutput.Trim());
    }

    [Fact]
    public void Node_with_timers_and_fs_runs_unchanged()
    {
        Assert.True(File.Exists("/usr/bin/node"), "node is expected at /usr/bin/node on the test machine");
        const string script = """
            const fs = require('fs');
            setTimeout(() => console.log('timer', fs.readFileSync('/proc/self/comm', 'utf8').trim()), 20);
            """;

        var result = BwrapRunner.Run(Program(), ["/usr/bin/node", "-e", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("timer node", result.StandardOutput.Trim());
    }

    [Fact]
    public void A_shell_with_coreutils_runs_unchanged()
    {
        const string script = """
            set -e
            cd /tmp && mkdir -p d/e && printf 'b\na\nc\n' > d/in
            sort d/in | cat > d/out && ls -la d >/dev/null && wc -l < d/out && head -1 d/out
            rm -r d && ls /tmp | wc -l
            """;

        var result = BwrapRunner.Run(Program(), ["/bin/sh", "-c", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["3", "a", "0"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_gcc_compiled_program_runs_unchanged()
    {
        var result = BwrapRunner.Run(Program(), [$"/payload/{NativeTestPrograms.Hello}"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello 7", result.StandardOutput.Trim());
    }

    [Fact]
    public void Gcc_compiles_and_links_a_file_unchanged()
    {
        const string script = """
            set -e
            printf 'int twice(int x) { return 2 * x; }\nint main(void) { return twice(21) - 42; }\n' > /tmp/a.c
            gcc -O2 -c /tmp/a.c -o /tmp/a.o && test -s /tmp/a.o
            gcc /tmp/a.o -o /tmp/a && /tmp/a && echo built
            """;

        var result = BwrapRunner.Run(Program(), ["/bin/sh", "-c", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("built", result.StandardOutput.Trim());
    }

    [Theory]
    [InlineData(Eperm)]
    [InlineData(Ehwpoison)]
    public void Dangerous_syscalls_are_refused_and_harmless_ones_reach_the_kernel(int refusedErrno)
    {
        string refused = refusedErrno == Eperm ? "EPERM" : "EHWPOISON";
        var expected = new Dictionary<string, string>
        {
            ["ptrace"] = refused,
            ["unshare_user"] = refused,
            ["setns"] = refused,
            ["mount"] = refused,
            ["bpf"] = refused,
            ["io_uring_setup"] = refused,
            ["keyctl"] = refused,
            ["perf_event_open"] = refused,
            ["userfaultfd"] = refused,
            ["process_vm_readv"] = refused,
            ["pidfd_getfd"] = refused,
            ["chroot"] = refused,
            ["open_by_handle_at"] = refused,
            ["seccomp_listener"] = refused,
            ["socket_netlink"] = refused,
            ["socket_packet"] = refused,
            ["socket_vsock"] = refused,
            ["socket_inet"] = refused,          // network None
            ["socket_inet6"] = refused,
            ["socket_inet_highbits"] = refused,
            ["socketpair_inet"] = refused,
            ["ioctl_tiocsti"] = refused,
            ["ioctl_tiocsti_highbits"] = refused,
            ["ioctl_tioclinux"] = refused,
            ["clone_newuser"] = refused,
            ["personality_read_implies_exec"] = refused,
            ["unknown_nr"] = refused,
            // allowed, and the kernel answers
            ["clone3"] = "ENOSYS",
            ["getpid"] = "OK",
            ["socket_unix"] = "OK",
            ["ioctl_tcgets"] = "ENOTTY",        // stdin is a pipe
            ["clone_plain"] = "OK",
            ["personality_query"] = "OK",
            ["mmap_exec"] = "OK",
        };

        var result = BwrapRunner.Run(Program(NetworkMode.None, refusedErrno), [$"/payload/{NativeTestPrograms.Probe}", .. expected.Keys]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected.OrderBy(p => p.Key), result.ProbeResults.OrderBy(p => p.Key));
    }

    [Fact]
    public void Loopback_networking_allows_ip_sockets_and_netlink_route_only()
    {
        var result = BwrapRunner.Run(Program(NetworkMode.Loopback, Ehwpoison),
            [$"/payload/{NativeTestPrograms.Probe}", "socket_inet", "socket_inet6", "socket_unix", "socket_netlink", "socket_netlink_audit",
                "socket_netlink_audit_high_bits", "socket_packet"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("OK", result.ProbeResults["socket_inet"]);
        Assert.Equal("OK", result.ProbeResults["socket_unix"]);
        Assert.Equal("OK", result.ProbeResults["socket_netlink"]); // NETLINK_ROUTE, for libc's address lookups
        Assert.Equal("EHWPOISON", result.ProbeResults["socket_netlink_audit"]);
        // The kernel reads the protocol as an int, and so does the filter: high bits cannot smuggle NETLINK_AUDIT past it.
        Assert.Equal("EHWPOISON", result.ProbeResults["socket_netlink_audit_high_bits"]);
        Assert.Equal("EHWPOISON", result.ProbeResults["socket_packet"]);
        Assert.NotEqual("EHWPOISON", result.ProbeResults["socket_inet6"]); // OK, or EAFNOSUPPORT without IPv6
    }
}
