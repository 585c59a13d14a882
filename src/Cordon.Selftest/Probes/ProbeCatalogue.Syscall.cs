using Cordon.Execution;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private static ProbeDefinition Sys(string id, string mode, string description, string expected, string[] violations, params StepRule[] steps) => new()
    {
        Id = id, Category = ProbeCategory.Syscall, Program = C("sys", mode), Description = description,
        Expected = new() { Text = expected, Steps = [.. steps], Violations = [.. violations] },
    };

    private static IEnumerable<ProbeDefinition> Syscall() =>
    [
        Sys("sys-userns", "userns", "unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER), clone(CLONE_NEWNS|CLONE_NEWPID) (CVE-2022-0185 path)",
            "EPERM (seccomp)", ["unshare", "clone"], Step("unshare-newuser", Eperm), Step("clone-*", Eperm)),
        Sys("sys-other-ns", "other-ns", "unshare mnt/net/pid/ipc+uts/cgroup/time namespaces; setns into pid 1's mount namespace",
            "EPERM (seccomp)", ["unshare", "setns"], Step("unshare-*", Eperm), Step("setns-pid1-mnt", Eperm)),
        Sys("sys-clone3", "clone3", "clone3 with CLONE_NEWUSER|CLONE_NEWNS (flags behind a pointer the filter cannot read)",
            "ENOSYS (glibc falls back to clone)", [], Step("clone3-newuser", Enosys)),
        Sys("sys-mount-family", "mount", "mount tmpfs, umount2 /tmp and /proc, pivot_root, chroot, fsopen, open_tree, move_mount, mount_setattr (CVE-2021-41133)",
            "EPERM (seccomp)", ["mount", "umount2", "pivot_root", "chroot", "fsopen", "open_tree", "move_mount", "mount_setattr"],
            Step("mount-*", Eperm), Step("umount2-*", Eperm), Step("pivot-root", Eperm), Step("chroot", Eperm), Step("fsopen", Eperm),
            Step("open-tree-clone", Eperm), Step("move-mount", Eperm)),
        Sys("sys-io-uring", "io-uring", "io_uring_setup/enter/register (the ring bypasses seccomp; containerd#9320)",
            "EPERM (seccomp)", ["io_uring_setup", "io_uring_enter", "io_uring_register"], Step("io-uring-*", Eperm)),
        new()
        {
            Id = "sys-x32-abi", Category = ProbeCategory.Syscall, Program = C("sys", "x32"),
            Description = "getpid and unshare through the x32 ABI (nr | 0x40000000)",
            Expected = new()
            {
                Text = "killed: SIGSYS", End = EndKind.Killed, Signal = 31, Outcome = SandboxOutcome.SyscallDenied,
                Steps = [Maybe("x32-*")],
            },
        },
        new()
        {
            Id = "sys-i386-abi", Category = ProbeCategory.Syscall, Program = C("sys", "i386"),
            Description = "int $0x80 with i386 numbers (getpid, unshare): the filter must check the audit arch",
            Expected = new()
            {
                Text = "killed: SIGSYS (or no i386 entry)", End = EndKind.Killed, Signal = 31, Outcome = SandboxOutcome.SyscallDenied,
                AcceptsCleanExit = true, Steps = [Maybe("i386-getpid", "NOENTRY"), Maybe("i386-unshare")],
            },
        },
        Sys("sys-ptrace-rewrite", "ptrace-rewrite", "PTRACE_TRACEME in a child, then PTRACE_SETREGS to rewrite a syscall (pre-4.8 seccomp bypass)",
            "EPERM (seccomp)", ["ptrace"], Step("ptrace-*", Eperm, Esrch)),
        Sys("sys-userfaultfd", "userfaultfd", "userfaultfd(UFFD_USER_MODE_ONLY), open /dev/userfaultfd (race-widening primitive)",
            "EPERM; no device", ["userfaultfd"], Step("userfaultfd", Eperm), Step("open-dev-userfaultfd", Enoent)),
        Sys("sys-perf-event", "perf", "perf_event_open software and hardware cache counters, fanotify_init, lookup_dcookie",
            "EPERM (seccomp)", ["perf_event_open", "fanotify_init", "lookup_dcookie"], Step("*", Eperm)),
        Sys("sys-bpf", "bpf", "bpf(BPF_MAP_CREATE), bpf(BPF_PROG_LOAD) of a socket filter",
            "EPERM (seccomp)", ["bpf"], Step("bpf-*", Eperm)),
        Sys("sys-keyring", "keyring", "keyctl GET_KEYRING_ID/JOIN_SESSION_KEYRING, add_key, request_key (keyrings are not namespaced)",
            "EPERM (seccomp)", ["keyctl", "add_key", "request_key"], Step("*", Eperm)),
        Sys("sys-host-admin", "host-admin", "modules, kexec, reboot, swapon, acct, quotactl, clock_settime, settimeofday, adjtimex, sethostname, syslog, iopl, ioperm, vhangup",
            "EPERM (seccomp)",
            ["init_module", "finit_module", "delete_module", "kexec_load", "reboot", "swapon", "acct", "quotactl", "clock_settime", "sethostname", "syslog", "iopl", "ioperm"],
            Step("*", Eperm)),
        Sys("sys-personality", "personality", "personality(READ_IMPLIES_EXEC), ADDR_NO_RANDOMIZE, PER_BSD; the 0xffffffff query is allowed",
            "EPERM except the query", ["personality"], Step("personality-query", Ok), Step("personality-*", Eperm)),
        Sys("sys-legacy", "legacy", "derived: modify_ldt, set_thread_area, sync (host I/O stall: answered 0 without flushing), mbind, migrate_pages, memfd_secret, io_setup, uselib, get_robust_list",
            "EPERM (seccomp); sync a no-op", ["modify_ldt", "set_thread_area", "mbind", "migrate_pages", "memfd_secret", "io_setup", "uselib", "get_robust_list"],
            Step("sync", Ok), Step("*", Eperm)),
        Sys("sys-unknown-nr", "unknown", "derived: syscall numbers no kernel of this version has (512, 999, 2^30-1)",
            "ENOSYS, recorded by number", ["nr-999"], Step("nr-*", Enosys)),
    ];
}
