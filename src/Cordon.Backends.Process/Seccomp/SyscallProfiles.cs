using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>The syscall lists behind <see cref="SyscallProfile"/>, and the argument guards every profile shares.</summary>
/// <remarks>
/// Everything not listed is refused: the filter hands it to the supervisor (<see cref="SeccompNotifier"/>), which fails it
/// with EPERM (ENOSYS for numbers Cordon does not know) and records it. Names are x86-64 syscall names; the i386 and x32
/// ABIs are killed before any of these rules is consulted.
/// </remarks>
internal static class SyscallProfiles
{
    // --- argument values (x86-64 uapi headers) ---
    private const ulong CloneNamespaceFlags =
        0x0002_0000    // CLONE_NEWNS
        | 0x0200_0000  // CLONE_NEWCGROUP
        | 0x0400_0000  // CLONE_NEWUTS
        | 0x0800_0000  // CLONE_NEWIPC
        | 0x1000_0000  // CLONE_NEWUSER
        | 0x2000_0000  // CLONE_NEWPID
        | 0x4000_0000; // CLONE_NEWNET
    // CLONE_NEWTIME (0x80) needs no bit here: clone(2) cannot carry it (the low byte is the exit signal, which the kernel
    // strips from the flags), only clone3 and unshare can, and both are refused.

    private const uint Tiocsti = 0x5412;     // push a byte into a terminal's input queue (CVE-2017-5226)
    private const uint Tioclinux = 0x541C;   // console selection paste, same effect (CVE-2023-28100)
    private const uint AfUnix = 1;
    private const uint AfInet = 2;
    private const uint AfInet6 = 10;
    private const uint AfNetlink = 16;
    private const uint NetlinkRoute = 0;
    private const ulong ProtExec = 0x4;
    private const ulong SeccompFilterFlagNewListener = 0x8;

    /// <summary>S_ISUID | S_ISGID: a guest with a read-write host mount could otherwise leave set-id files there (found by cordon selftest, fs-rw-setid-plant).</summary>
    private const ulong SetIdModeBits = 0xC00; // 06000
    private const int Enosys = 38;

    /// <summary>The fd the launcher sends the seccomp listener on (native/launcher/init.c <c>NOTIFY_FD</c>).</summary>
    internal const uint LauncherNotifyFd = 255;

    /// <summary>
    /// Personas allowed by <c>personality(2)</c>: PER_LINUX, PER_LINUX32, UNAME26 and their combination, and 0xffffffff (query).
    /// Everything else (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, foreign personas) weakens exploit mitigations (Docker's default profile).
    /// </summary>
    private static readonly uint[] AllowedPersonas = [0x0, 0x8, 0x2_0000, 0x2_0008, 0xFFFF_FFFF];

    /// <summary>
    /// What the launcher itself calls between installing the filter and exec'ing the guest (native/launcher/init.c, step e-f):
    /// send the listener to the supervisor on fd 255, close it, close fd 255, execve the guest (or report why not and exit).
    /// A seccomp filter survives execve and cannot be installed by the guest's own first instruction, so every profile, strict
    /// and custom included, has to let these through; only <c>sendmsg</c> is narrowed, to the launcher's socket (closed before
    /// exec, so a guest finds no such socket on fd 255 unless it makes one itself).
    /// </summary>
    internal static ImmutableArray<string> LauncherTail { get; } = ["close", "execve", "exit", "exit_group", "write", "sendmsg"];

    /// <summary>Refused in every profile, custom ones included: a new namespace re-opens kernel attack surface the sandbox closed.</summary>
    /// <remarks><c>clone3</c> is always answered ENOSYS instead (see <see cref="Build"/>).</remarks>
    internal static ImmutableArray<string> NeverAllowed { get; } = ["setns", "unshare"];

    /// <summary>The default profile: what shells, coreutils, python3, node, gcc/cc1/as/ld and gcc-compiled programs need.</summary>
    /// <remarks>
    /// Measured with <c>strace -f</c> on Debian 12 (python3.11 threads/hashlib/ssl/subprocess, node 20, dash + coreutils,
    /// gcc 12 compile and link) and rounded out with the siblings of each call (the <c>*at</c> forms, the old forms static
    /// binaries still use). <c>clone</c>, <c>ioctl</c>, <c>socket</c>, <c>socketpair</c> and <c>personality</c> carry
    /// argument guards (<see cref="Build"/>).
    /// </remarks>
    internal static ImmutableArray<string> Default { get; } =
    [
        // processes and threads (within the sandbox's pid namespace)
        "clone", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid",
        "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open", "pidfd_send_signal",
        "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
        "set_tid_address", "set_robust_list", "rseq", "arch_prctl", "prctl", "personality",
        "futex", "futex_waitv", "futex_wake", "futex_wait", "futex_requeue", "membarrier", "sched_yield", "sched_getaffinity", "sched_setaffinity",
        "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max",
        "sched_get_priority_min", "sched_rr_get_interval", "sched_getattr", "sched_setattr", "getcpu",
        "getpriority", "setpriority", "ioprio_get", "ioprio_set", "capget", "capset",
        // credentials: the kernel still refuses whatever needs a capability, and the sandbox has none
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups",
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
        // limits and system information
        "getrlimit", "setrlimit", "prlimit64", "getrusage", "times", "sysinfo", "uname", "umask",
        // signals
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait", "rt_sigsuspend",
        "sigaltstack", "pause", "alarm", "getitimer", "setitimer", "signalfd", "signalfd4", "restart_syscall",
        // time
        "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
        "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
        "timerfd_create", "timerfd_settime", "timerfd_gettime",
        // memory (PROT_EXEC allowed: V8 and other JITs need it)
        "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "msync", "mincore", "mlock", "munlock", "mlock2",
        "mlockall", "munlockall", "pkey_alloc", "pkey_free", "pkey_mprotect", "memfd_create", "mseal", "map_shadow_stack",
        // System V and POSIX IPC: private to the sandbox's IPC namespace
        "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl",
        "msgget", "msgsnd", "msgrcv", "msgctl",
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
        // descriptors and file I/O
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "lseek", "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "flock",
        "fsync", "fdatasync", "syncfs", "sync_file_range", "truncate", "ftruncate", "fallocate", "fadvise64", "readahead",
        "sendfile", "splice", "tee", "vmsplice", "copy_file_range", "pipe", "pipe2", "ioctl",
        // file metadata and directories
        "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat", "faccessat2",
        "getdents", "getdents64", "getcwd", "chdir", "fchdir", "rename", "renameat", "renameat2",
        "mkdir", "mkdirat", "rmdir", "link", "linkat", "unlink", "unlinkat", "symlink", "symlinkat", "readlink", "readlinkat",
        "chmod", "fchmod", "fchmodat", "fchmodat2", "cachestat", "chown", "fchown", "lchown", "fchownat",
        "utime", "utimes", "futimesat", "utimensat", "mknod", "mknodat",
        "setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
        "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "getxattrat", "listxattrat", "removexattrat",
        "file_getattr", "file_setattr", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
        // event loops
        "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
        "epoll_pwait2", "eventfd", "eventfd2",
        // sockets: families are guarded by the network mode
        "socket", "socketpair", "connect", "accept", "accept4", "bind", "listen", "shutdown", "getsockname", "getpeername",
        "setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
        // misc: randomness, and Landlock, with which a guest can only restrict itself further
        "getrandom", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    ];

    /// <summary>What the default profile refuses, by family, with the reason. Every x86-64 syscall is in exactly one of the two lists.</summary>
    internal static ImmutableArray<(string Why, ImmutableArray<string> Names)> RefusedByDefault { get; } =
    [
        ("new namespaces re-open kernel attack surface the sandbox closed (CVE-2022-0185); clone3 is answered ENOSYS",
            ["unshare", "setns", "clone3"]),
        ("mounts and the mount API could hide, reveal or replace parts of the sandbox's filesystem (CVE-2021-41133)",
            ["mount", "umount2", "pivot_root", "chroot", "move_mount", "fsopen", "fsmount", "fsconfig", "fspick", "open_tree",
             "open_tree_attr", "mount_setattr", "statmount", "listmount"]),
        ("reading or steering other processes' memory and descriptors", ["ptrace", "process_vm_readv", "process_vm_writev",
            "kcmp", "pidfd_getfd", "process_madvise", "process_mrelease", "get_robust_list"]),
        ("in-kernel BPF programs (verifier bugs; CAP_BPF)", ["bpf"]),
        ("tracing and profiling leak host information and have a long CVE history", ["perf_event_open", "lookup_dcookie", "uretprobe",
            "fanotify_init", "fanotify_mark"]),
        ("userfaultfd lets an exploit stall the kernel mid-copy (race-widening primitive)", ["userfaultfd"]),
        ("io_uring operations bypass seccomp entirely (containerd#9320, kCTF)", ["io_uring_setup", "io_uring_enter",
            "io_uring_register"]),
        ("Linux AIO submits I/O the filter never sees; none of the supported toolchains needs it", ["io_setup", "io_destroy",
            "io_getevents", "io_submit", "io_cancel", "io_pgetevents"]),
        ("kernel keyrings are not namespaced", ["keyctl", "add_key", "request_key"]),
        ("kernel modules and kexec", ["init_module", "finit_module", "delete_module", "create_module", "query_module",
            "get_kernel_syms", "kexec_load", "kexec_file_load"]),
        ("host administration: reboot, swap, accounting, quotas, clocks, names, kernel log, terminals",
            ["reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "settimeofday", "clock_settime",
             "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "syslog", "vhangup"]),
        ("sync(2) flushes every filesystem of the host, so a loop of it stalls host I/O: it is answered 0 without flushing, not "
            + "recorded as a violation (sync reports no failure anyway; fsync, fdatasync and syncfs stay allowed for what the guest wrote)",
            ["sync"]),
        ("file handles bypass path-based access checks (\"shocker\" container breakout)", ["open_by_handle_at",
            "name_to_handle_at"]),
        ("raw port I/O", ["iopl", "ioperm"]),
        ("x86 segment and TLS-descriptor machinery with a bug history; 64-bit code uses arch_prctl", ["modify_ldt",
            "set_thread_area", "get_thread_area"]),
        ("NUMA memory placement is host policy (mempolicy has a CVE history); get_mempolicy is answered ENOSYS, as by a kernel "
            + "without NUMA, and not recorded: libnuma's probe (ps loads it) then stops quietly instead of going on to set_mempolicy",
            ["mbind", "set_mempolicy", "get_mempolicy", "migrate_pages", "move_pages",
            "set_mempolicy_home_node"]),
        ("a guest-installed user-notification listener could be abused; python3 and node never call seccomp(2)", ["seccomp"]),
        ("obsolete or unimplemented", ["uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "getpmsg", "putpmsg",
            "afs_syscall", "tuxcall", "security", "vserver", "epoll_ctl_old", "epoll_wait_old", "remap_file_pages"]),
        ("not needed by ordinary programs: secret memory, LSM self-attributes", ["memfd_secret", "lsm_get_self_attr",
            "lsm_set_self_attr", "lsm_list_modules"]),
    ];

    /// <summary>
    /// The strict profile: computation and I/O on descriptors the guest already has, for a statically linked stdin-to-stdout
    /// filter. Executable mappings are refused (<c>mmap</c>/<c>mprotect</c> without PROT_EXEC), so a dynamically linked
    /// program cannot even load its libraries.
    /// </summary>
    internal static ImmutableArray<string> Strict { get; } =
    [
        "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close", "fstat",
        // glibc ≥ 2.33 implements fstat(2) as newfstatat(fd, "", AT_EMPTY_PATH); a path reveals only metadata of what the
        // mount namespace shows
        "newfstatat",
        "exit", "exit_group", "brk", "mmap", "munmap", "mremap", "madvise", "mprotect", "futex",
        "clock_gettime", "clock_nanosleep", "nanosleep", "getrandom",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
        // the kernel restarts an interrupted sleep through restart_syscall, which seccomp sees like any other call
        "restart_syscall",
        // static glibc start-up (measured): TLS register, thread bookkeeping, rseq registration, the stack limit
        // (prlimit64 read-only, on itself), and readlink("/proc/self/exe") for the program's own path
        "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "readlink",
        // abort(), a failed assert() and an uncaught C++ exception end in raise(SIGABRT), which glibc implements as
        // tgkill(getpid(), gettid(), SIGABRT): without these three the verdict would be a refused call instead of the
        // runtime error a judge must report. They open nothing: a strict guest cannot fork (no clone), so the only other
        // process in its pid namespace is the sandbox's init, which leaves every signal at SIG_DFL, and the kernel never
        // delivers a default-action signal to a pid namespace's init from inside that namespace.
        "getpid", "gettid", "tgkill",
    ];

    /// <summary>The rules for one profile: allowlist, argument guards, the launcher's tail and the fixed answers.</summary>
    /// <param name="profile">Which list.</param>
    /// <param name="customNames">For <see cref="SyscallProfile.Custom"/>: the names; ignored otherwise.</param>
    /// <param name="network">Decides whether AF_INET/AF_INET6 sockets may be created.</param>
    /// <exception cref="PolicyValidationException">A custom profile names a syscall Cordon never allows.</exception>
    /// <remarks>
    /// The guards hold in every profile that contains the name, custom ones included, because they protect invariants of
    /// the sandbox rather than of one profile: <c>clone</c> without namespace flags, <c>ioctl</c> without TIOCSTI/TIOCLINUX,
    /// <c>socket</c>/<c>socketpair</c> only for AF_UNIX (plus AF_INET/AF_INET6 with a network), <c>personality</c> only with
    /// harmless personas, <c>seccomp</c> only without SECCOMP_FILTER_FLAG_NEW_LISTENER. <c>clone3</c> always fails with
    /// ENOSYS, not as a violation: seccomp cannot read its flags (they are behind a pointer), and glibc then falls back to
    /// <c>clone</c>, whose flags it can check.
    /// </remarks>
    /// <param name="connectThroughSupervisor">
    /// An allowlist is enforced: AF_INET/AF_INET6 sockets may be created (in the guest's own, empty namespace) and every
    /// <c>connect</c> goes to the supervisor, which carries out the allowed ones from the host's namespace.
    /// </param>
    /// <param name="datagramsThroughSupervisor">
    /// The allowlist has UDP rules: <c>sendmsg</c> and <c>sendmmsg</c> go to the supervisor too, because a UDP socket the
    /// supervisor opened in the host's namespace would send wherever their (unfilterable) address points.
    /// </param>
    internal static SeccompRuleSet Build(SyscallProfile profile, ImmutableArray<string> customNames, NetworkMode network, bool connectThroughSupervisor = false,
        bool datagramsThroughSupervisor = false)
    {
        IEnumerable<string> names = profile switch
        {
            SyscallProfile.Default => Default,
            SyscallProfile.Strict => Strict,
            SyscallProfile.Custom => customNames.IsDefault ? [] : customNames,
            _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unknown syscall profile"),
        };

        if (profile == SyscallProfile.Custom)
        {
            PolicyError[] refused = [.. names.Where(NeverAllowed.Contains).Distinct(StringComparer.Ordinal)
                .Select(n => new PolicyError("syscalls.allow",
                    $"'{n}' is never allowed: a guest must not create or join namespaces (the sandbox already has its own)"))];
            if (refused.Length > 0)
            {
                throw PolicyValidationException.Create(refused);
            }
        }

        var rules = new SeccompRuleSet();
        foreach (string name in names)
        {
            rules.Allow(name, GuardFor(name, profile, connectThroughSupervisor && network == NetworkMode.None ? NetworkMode.Loopback : network));
        }

        // Not allowed, so refused, so notified: the supervisor answers every connect (Network.ConnectProxy), every bind and
        // listen, and every sendto that names an address (a plain send on a connected socket passes).
        if (connectThroughSupervisor)
        {
            // A socket the supervisor opened in the host's namespace must not be given a source route: an IPv4 LSRR/SSRR
            // option or an IPv6 routing header sends each packet to a first hop of the guest's choosing, whatever the
            // connected (allowed) address. Setting them needs no privilege, so the filter refuses those options.
            if (rules.Find("setsockopt") is not null)
            {
                rules.Remove("setsockopt");
                rules.Allow("setsockopt", SetsockoptWithoutSourceRoutes());
            }

            rules.Remove("connect");
            foreach (string name in datagramsThroughSupervisor ? [.. SupervisedSocketCallNames, .. SupervisedDatagramCallNames] : SupervisedSocketCallNames)
            {
                if (rules.Find(name) is null) continue;
                rules.Remove(name);
                if (name == "sendto") rules.Allow(name, [[ArgumentCondition.Equals64(4, 0)]]);
            }
        }

        foreach (string name in LauncherTail)
        {
            // With UDP rules the guest's own sendmsg is notified; the launcher's stays allowed on fd 255 only, which the
            // guest can never reuse then (its open-file limit is at most 255: LaunchCommandLine).
            rules.Allow(name, name == "sendmsg" ? ArgumentGuards.Low32In(0, LauncherNotifyFd) : default);
        }

        rules.FailWith("clone3", Enosys);
        // sync(2) flushes every filesystem of the host; the guest gets the success it would get, without the flush
        // (it has no failure to report). Only where the profile does not name it: a custom list may allow the real call.
        if (profile == SyscallProfile.Default) rules.FailWith("sync", 0);
        // numa_available() asks get_mempolicy; ENOSYS is what a kernel without CONFIG_NUMA says, so libnuma gives up
        // before set_mempolicy, and a refusal no program acts on is neither recorded nor, under kill, fatal.
        if (profile == SyscallProfile.Default) rules.FailWith("get_mempolicy", Enosys);
        // openat2 carries its mode inside struct open_how, out of the filter's sight (see the set-id guards below);
        // ENOSYS makes callers fall back to openat, whose mode argument is checked.
        if (rules.Find("openat2") is not null) rules.FailWith("openat2", Enosys);
        return rules;
    }

    /// <summary>
    /// Whether a run of <paramref name="syscalls"/> with <paramref name="network"/> routes <c>connect</c> through the
    /// supervisor: an allowlist is set and the profile allows <c>connect</c> at all (a profile without it keeps refusing it).
    /// </summary>
    internal static bool ConnectsThroughSupervisor(SyscallPolicy syscalls, NetworkPolicy network)
    {
        ArgumentNullException.ThrowIfNull(syscalls);
        ArgumentNullException.ThrowIfNull(network);
        if (network.Allowed.IsEmpty || network.Mode == NetworkMode.Host) return false;
        return Build(syscalls.Profile, syscalls.Profile == SyscallProfile.Custom ? syscalls.AllowedSyscalls : [], network.Mode).Find("connect") is not null;
    }

    /// <summary>Socket calls besides connect the supervisor decides when it answers connects (when the profile allows them at all).</summary>
    internal static readonly ImmutableArray<string> SupervisedSocketCallNames = ["sendto", "bind", "listen"];

    /// <summary>Calls that reach the supervisor too when the allowlist has UDP rules (<see cref="DatagramsThroughSupervisor"/>).</summary>
    internal static readonly ImmutableArray<string> SupervisedDatagramCallNames = ["sendmsg", "sendmmsg"];

    /// <summary>Whether a run routes connects through the supervisor and its allowlist has a UDP rule (so every datagram send is the supervisor's too).</summary>
    internal static bool DatagramsThroughSupervisor(SyscallPolicy syscalls, NetworkPolicy network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Allowed.Any(r => r.Protocol == NetworkProtocol.Udp) && ConnectsThroughSupervisor(syscalls, network);
    }

    /// <summary>The numbers of <see cref="SupervisedSocketCallNames"/> (and with UDP rules <see cref="SupervisedDatagramCallNames"/>) that a run of <paramref name="syscalls"/> with <paramref name="network"/> sends to the supervisor.</summary>
    internal static ImmutableHashSet<int> SupervisedSocketCalls(SyscallPolicy syscalls, NetworkPolicy network)
    {
        ArgumentNullException.ThrowIfNull(syscalls);
        SeccompRuleSet rules = Build(syscalls.Profile, syscalls.Profile == SyscallProfile.Custom ? syscalls.AllowedSyscalls : [], network.Mode);
        IEnumerable<string> names = DatagramsThroughSupervisor(syscalls, network) ? [.. SupervisedSocketCallNames, .. SupervisedDatagramCallNames] : SupervisedSocketCallNames;
        return [.. names.Where(n => rules.Find(n) is not null).Select(n => n switch
        {
            "sendto" => Network.ConnectProxy.SendToNumber,
            "bind" => Network.ConnectProxy.BindNumber,
            "sendmsg" => Network.ConnectProxy.SendMsgNumber,
            "sendmmsg" => Network.ConnectProxy.SendMmsgNumber,
            _ => Network.ConnectProxy.ListenNumber,
        })];
    }

    /// <summary>setsockopt(fd, level, optname, ...) for every option except IP_OPTIONS and the IPv6 routing-header options (RTHDR, 2292RTHDR, 2292PKTOPTIONS).</summary>
    private static ImmutableArray<ImmutableArray<ArgumentCondition>> SetsockoptWithoutSourceRoutes()
    {
        const uint ipProtoIp = 0, ipProtoIpv6 = 41, ipOptions = 4, ipv6Rthdr2292 = 5, ipv6PktOptions2292 = 6, ipv6Rthdr = 57;
        var any = ImmutableArray.CreateBuilder<ImmutableArray<ArgumentCondition>>();
        any.AddRange(ArgumentGuards.Low32NotIn(1, ipProtoIp, ipProtoIpv6));
        foreach (ImmutableArray<ArgumentCondition> block in ArgumentGuards.Low32NotIn(2, ipOptions))
            any.Add([ArgumentCondition.Low32Equals(1, ipProtoIp), .. block]);
        foreach (ImmutableArray<ArgumentCondition> block in ArgumentGuards.Low32NotIn(2, ipv6Rthdr2292, ipv6PktOptions2292, ipv6Rthdr))
            any.Add([ArgumentCondition.Low32Equals(1, ipProtoIpv6), .. block]);
        return any.DrainToImmutable();
    }

    /// <summary>The argument guard for <paramref name="name"/>, or default when every call may pass.</summary>
    private static ImmutableArray<ImmutableArray<ArgumentCondition>> GuardFor(string name, SyscallProfile profile, NetworkMode network)
    {
        switch (name)
        {
            case "clone":
                // x86-64 clone(flags, stack, parent_tid, child_tid, tls)
                return [[ArgumentCondition.BitsClear(0, CloneNamespaceFlags)]];
            case "ioctl":
                // ioctl(fd, unsigned int cmd, ...): compare the low 32 bits only (CVE-2019-10063)
                return ArgumentGuards.Low32NotIn(1, Tiocsti, Tioclinux);
            case "socket" when network != NetworkMode.None:
                // With a network, also NETLINK_ROUTE: glibc's getaddrinfo(AI_ADDRCONFIG) asks it which address families
                // exist, and under --on-violation kill that lookup would end the run. It sees only the sandbox's own
                // network namespace, and every change through it needs CAP_NET_ADMIN, which the guest does not have.
                return [.. ArgumentGuards.Low32In(0, AfUnix, AfInet, AfInet6),
                    [ArgumentCondition.Low32Equals(0, AfNetlink), ArgumentCondition.Low32Equals(2, NetlinkRoute)]];
            case "socket":
            case "socketpair":
                // AF_NETLINK, AF_PACKET, AF_VSOCK, AF_ALG and the rare families are where socket CVEs live
                return network == NetworkMode.None
                    ? ArgumentGuards.Low32In(0, AfUnix)
                    : ArgumentGuards.Low32In(0, AfUnix, AfInet, AfInet6);
            case "personality":
                return ArgumentGuards.Low32In(0, AllowedPersonas);
            case "seccomp":
                return [[ArgumentCondition.BitsClear(1, SeccompFilterFlagNewListener)]];
            case "mmap" or "mprotect" when profile == SyscallProfile.Strict:
                return [[ArgumentCondition.BitsClear(2, ProtExec)]];
            // No set-user-ID or set-group-ID bit on anything the guest creates or chmods: on a read-write host mount such a
            // file outlives the run and lends the file's host owner (the invoking user, or the owner of the writable grant) to
            // whoever executes it on the host. The guest's own mounts are nosuid, so it loses nothing it could use.
            case "chmod" or "fchmod" or "creat" or "mknod":
                // chmod(path, mode), fchmod(fd, mode), creat(path, mode), mknod(path, mode, dev)
                return [[ArgumentCondition.BitsClear(1, SetIdModeBits)]];
            case "open" or "fchmodat" or "fchmodat2" or "mknodat":
                // open(path, flags, mode), fchmodat(dirfd, path, mode, flags), mknodat(dirfd, path, mode, dev)
                return [[ArgumentCondition.BitsClear(2, SetIdModeBits)]];
            case "openat":
                // openat(dirfd, path, flags, mode); glibc passes mode 0 when O_CREAT/O_TMPFILE is absent
                return [[ArgumentCondition.BitsClear(3, SetIdModeBits)]];
            case "prlimit64" when profile == SyscallProfile.Strict:
                // prlimit64(pid, resource, new_limit, old_limit): read-only, on itself
                return [[ArgumentCondition.Low32Equals(0, 0), ArgumentCondition.Equals64(2, 0)]];
            default:
                return default;
        }
    }
}
