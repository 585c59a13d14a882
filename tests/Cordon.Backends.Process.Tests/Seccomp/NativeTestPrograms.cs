using System.Diagnostics;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>Small C programs compiled with gcc at test time, once per test run, into a private temporary directory.</summary>
internal static class NativeTestPrograms
{
    private static readonly Lazy<string> Directory = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Host directory holding the binaries (bound at <c>/payload</c> inside test sandboxes).</summary>
    internal static string HostDirectory => Directory.Value;

    /// <summary>Dynamically linked probe: <c>probe NAME...</c> makes each named syscall and prints <c>NAME=OK</c> or <c>NAME=EPERM</c>.</summary>
    internal const string Probe = "probe";

    /// <summary>The same probe, linked statically (for the strict profile, which refuses executable mappings).</summary>
    internal const string ProbeStatic = "probe-static";

    /// <summary>A static stdin-to-stdout filter that upper-cases its input.</summary>
    internal const string UpcaseStatic = "upcase-static";

    /// <summary>An ordinary gcc-compiled program: mallocs, touches 32 MiB, prints.</summary>
    internal const string Hello = "hello";

    /// <summary><c>notify-child SOCKFD BPFFD COUNT</c>: installs the program with a listener, sends it, then calls ptrace COUNT times.</summary>
    internal const string NotifyChild = "notify-child";

    internal static string HostPath(string program) => Path.Combine(HostDirectory, program);

    private static string Build()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cordon-seccomp-tests-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a leftover directory in /tmp is harmless
            }
        };
        Compile(dir, "probe.c", ProbeSource, Probe, []);
        Compile(dir, "probe.c", ProbeSource, ProbeStatic, ["-static"]);
        Compile(dir, "upcase.c", UpcaseSource, UpcaseStatic, ["-static"]);
        Compile(dir, "hello.c", HelloSource, Hello, []);
        Compile(dir, "notify-child.c", NotifyChildSource, NotifyChild, []);
        return dir;
    }

    private static void Compile(string dir, string sourceName, string source, string output, string[] extraFlags)
    {
        string sourcePath = Path.Combine(dir, sourceName);
        File.WriteAllText(sourcePath, source);
        var psi = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string flag in (string[])["-O1", "-Wall", "-Werror", .. extraFlags, "-o", Path.Combine(dir, output), sourcePath])
        {
            psi.ArgumentList.Add(flag);
        }

        using var gcc = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("cannot start gcc");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc {output} failed (the seccomp tests need gcc and static glibc, libc6-dev):\n{errors}");
        }
    }

    private const string ProbeSource = """
        #define _GNU_SOURCE
        #include <asm/ioctls.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <linux/seccomp.h>
        #include <sched.h>
        #include <signal.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <sys/ptrace.h>
        #include <sys/resource.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <unistd.h>

        /* Calls whose arguments are deliberately bad, so that a call the filter lets through fails in the kernel with an
         * errno of its own (EFAULT, EBADF, EINVAL...) instead of doing anything. */
        static long probe(const char *n)
        {
            char c = 'x';
            if (!strcmp(n, "getpid")) return syscall(SYS_getpid);
            if (!strcmp(n, "ptrace")) return syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, 0, 0);
            if (!strcmp(n, "unshare_user")) return syscall(SYS_unshare, CLONE_NEWUSER);
            if (!strcmp(n, "setns")) return syscall(SYS_setns, -1, 0);
            if (!strcmp(n, "mount")) return syscall(SYS_mount, (void *)1, (void *)1, (void *)1, 0, (void *)0);
            if (!strcmp(n, "bpf")) return syscall(SYS_bpf, 0, (void *)1, 1 << 20);
            if (!strcmp(n, "io_uring_setup")) return syscall(SYS_io_uring_setup, 1, (void *)1);
            if (!strcmp(n, "keyctl")) return syscall(SYS_keyctl, 0x7fffffff, 0, 0, 0, 0);
            if (!strcmp(n, "perf_event_open")) return syscall(SYS_perf_event_open, (void *)1, 0, -1, -1, 0);
            if (!strcmp(n, "userfaultfd")) return syscall(SYS_userfaultfd, O_CLOEXEC);
            if (!strcmp(n, "process_vm_readv")) return syscall(SYS_process_vm_readv, 1, (void *)1, 1, (void *)1, 1, 0);
            if (!strcmp(n, "pidfd_getfd")) return syscall(SYS_pidfd_getfd, -1, 0, 0);
            if (!strcmp(n, "chroot")) return syscall(SYS_chroot, "/nonexistent");
            if (!strcmp(n, "open_by_handle_at")) return syscall(SYS_open_by_handle_at, -1, (void *)1, 0);
            if (!strcmp(n, "seccomp_listener"))
                return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, (void *)1);
            if (!strcmp(n, "socket_unix")) return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
            if (!strcmp(n, "socket_inet")) return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
            if (!strcmp(n, "socket_inet6")) return syscall(SYS_socket, AF_INET6, SOCK_STREAM, 0);
            /* low 32 bits say AF_INET, which is what the kernel uses */
            if (!strcmp(n, "socket_inet_highbits")) return syscall(SYS_socket, 0x100000002L, SOCK_STREAM, 0);
            if (!strcmp(n, "socket_netlink")) return syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0);
            if (!strcmp(n, "socket_netlink_audit")) return syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 9);
            if (!strcmp(n, "socket_netlink_audit_high_bits")) return syscall(SYS_socket, AF_NETLINK | (1UL << 32), SOCK_RAW, 9UL | (1UL << 32));
            if (!strcmp(n, "socket_packet")) return syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);
            if (!strcmp(n, "socket_vsock")) return syscall(SYS_socket, 40, SOCK_STREAM, 0);
            if (!strcmp(n, "socketpair_inet")) { int sv[2]; return syscall(SYS_socketpair, AF_INET, SOCK_STREAM, 0, sv); }
            if (!strcmp(n, "ioctl_tcgets")) { char t[64]; return syscall(SYS_ioctl, 0, TCGETS, t); }
            if (!strcmp(n, "ioctl_tiocsti")) return syscall(SYS_ioctl, 0, TIOCSTI, &c);
            if (!strcmp(n, "ioctl_tiocsti_highbits")) return syscall(SYS_ioctl, 0, TIOCSTI | (1UL << 32), &c);
            if (!strcmp(n, "ioctl_tioclinux")) return syscall(SYS_ioctl, 0, TIOCLINUX, &c);
            if (!strcmp(n, "clone3")) return syscall(SYS_clone3, (void *)1, 88);
            if (!strcmp(n, "clone_newuser") || !strcmp(n, "clone_plain")) {
                long flags = SIGCHLD | (!strcmp(n, "clone_newuser") ? CLONE_NEWUSER : 0);
                long r = syscall(SYS_clone, flags, 0, 0, 0, 0);
                if (r == 0) _exit(0);
                if (r > 0) { waitpid((pid_t)r, 0, 0); return 0; }
                return r;
            }
            if (!strcmp(n, "personality_query")) return syscall(SYS_personality, 0xffffffffUL);
            if (!strcmp(n, "personality_read_implies_exec")) return syscall(SYS_personality, 0x0400000UL);
            if (!strcmp(n, "unknown_nr")) return syscall(1000);
            if (!strcmp(n, "mmap_rw")) {
                void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                return p == MAP_FAILED ? -1 : 0;
            }
            if (!strcmp(n, "mmap_exec")) {
                void *p = mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                return p == MAP_FAILED ? -1 : 0;
            }
            if (!strcmp(n, "mprotect_exec")) {
                void *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) return -1;
                return mprotect(p, 4096, PROT_READ | PROT_EXEC);
            }
            if (!strcmp(n, "prlimit_set")) {
                struct rlimit r = { 0, 0 };
                return syscall(SYS_prlimit64, 0, RLIMIT_CORE, &r, (void *)0);
            }
            if (!strcmp(n, "x32_getpid")) return syscall(0x40000000L | SYS_getpid);
            if (!strcmp(n, "i386_getpid")) {
                long r;
                __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
                return r < 0 ? (errno = (int)-r, -1) : r;
            }
            fprintf(stderr, "probe: unknown probe %s\n", n);
            _exit(2);
        }

        int main(int argc, char **argv)
        {
            for (int i = 1; i < argc; i++) {
                errno = 0;
                long r = probe(argv[i]);
                if (r >= 0)
                    printf("%s=OK\n", argv[i]);
                else
                    printf("%s=%s\n", argv[i], strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
                fflush(stdout);
            }
            return 0;
        }
        """;

    private const string UpcaseSource = """
        #include <ctype.h>
        #include <stdio.h>

        int main(void)
        {
            int c;
            while ((c = getchar()) != EOF)
                putchar(toupper(c));
            return 0;
        }
        """;

    private const string HelloSource = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        int main(void)
        {
            char *p = malloc(32u << 20);
            if (!p) return 1;
            memset(p, 7, 32u << 20);
            printf("hello %d\n", p[12345]);
            free(p);
            return 0;
        }
        """;

    private const string NotifyChildSource = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <linux/filter.h>
        #include <linux/seccomp.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/prctl.h>
        #include <sys/ptrace.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <unistd.h>

        /* Does what cordon-launch does after its setup: install the program with a listener, hand the listener to the
         * supervisor over fd 255 (the only fd sendmsg is allowed on), close both; then misbehave COUNT times. */
        int main(int argc, char **argv)
        {
            if (argc != 4) return 2;
            int sock = atoi(argv[1]), bpf = atoi(argv[2]), count = atoi(argv[3]);
            static struct sock_filter prog[4096];
            size_t got = 0;
            for (;;) {
                ssize_t n = read(bpf, (char *)prog + got, sizeof prog - got);
                if (n < 0) return 3;
                if (n == 0) break;
                got += (size_t)n;
            }
            close(bpf);
            if (got == 0 || got % sizeof prog[0]) return 4;
            if (dup2(sock, 255) < 0 || close(sock) < 0) return 5;
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 6;

            struct sock_fprog fprog = { .len = (unsigned short)(got / sizeof prog[0]), .filter = prog };
            int listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
            if (listener < 0) return 7;

            char byte = 'L';
            struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
            union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
            memset(&control, 0, sizeof control);
            struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &listener, sizeof listener);
            if (sendmsg(255, &msg, MSG_NOSIGNAL) != 1) return 8;
            if (close(listener) < 0 || close(255) < 0) return 9;

            int eperm = 0;
            for (int i = 0; i < count; i++) {
                if (syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, 0, 0) == -1 && errno == EPERM)
                    eperm++;
            }
            long unknown = syscall(1000);
            int unknown_errno = errno;
            printf("eperm=%d unknown=%s\n", eperm, unknown == -1 ? strerrorname_np(unknown_errno) : "OK");
            return 0;
        }
        """;
}
