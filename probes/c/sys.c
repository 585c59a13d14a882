/* sys-*: one mode per refused kernel interface, sandbox2 testcases style. Each call uses harmless or
 * deliberately bad arguments, so a call the filter lets through fails with EFAULT/EINVAL/EBADF instead of
 * doing damage (bubblewrap tests/try-syscall.c), and the errno tells which layer answered.
 *   usage: sys NONCE MODE */
#include "probe.h"
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

static void userns(void)
{
    step("unshare-newuser", unshare(CLONE_NEWUSER));
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    step("clone-newuser", pid);
    if (pid > 0) waitpid((pid_t)pid, NULL, 0);
    long pid2 = syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
    if (pid2 == 0) _exit(0);
    step("clone-newns-newpid", pid2);
    if (pid2 > 0) waitpid((pid_t)pid2, NULL, 0);
}

static void other_ns(void)
{
    step("unshare-newns", unshare(CLONE_NEWNS));
    step("unshare-newnet", unshare(CLONE_NEWNET));
    step("unshare-newpid", unshare(CLONE_NEWPID));
    step("unshare-newipc-uts", unshare(CLONE_NEWIPC | CLONE_NEWUTS));
    step("unshare-newcgroup", unshare(CLONE_NEWCGROUP));
    step("unshare-newtime", unshare(CLONE_NEWTIME));
    int fd = open("/proc/1/ns/mnt", O_RDONLY);
    step("setns-pid1-mnt", setns(fd, 0));
    if (fd >= 0) close(fd);
}

static void clone3(void)
{
    struct { unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; } args = {
        .flags = CLONE_NEWUSER | CLONE_NEWNS, .exit_signal = SIGCHLD };
    long pid = syscall(435 /* clone3 */, &args, sizeof args);
    if (pid == 0) _exit(0);
    step("clone3-newuser", pid);
    if (pid > 0) waitpid((pid_t)pid, NULL, 0);
}

static void mounts(void)
{
    step("mount-tmpfs", mount("none", "/tmp", "tmpfs", 0, NULL));
    step("umount2-detach-tmp", umount2("/tmp", MNT_DETACH));
    step("umount2-detach-proc", umount2("/proc", MNT_DETACH));
    step("pivot-root", syscall(SYS_pivot_root, ".", "."));
    step("chroot", chroot("/tmp"));
    step("fsopen", syscall(430 /* fsopen */, "tmpfs", 0));
    step("open-tree-clone", syscall(428 /* open_tree */, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */));
    step("move-mount", syscall(429 /* move_mount */, -1, "", AT_FDCWD, "/tmp", 0));
    step("mount-setattr", syscall(442 /* mount_setattr */, AT_FDCWD, "/usr", 0, NULL, 0));
}

static void io_uring(void)
{
    unsigned char params[120] = { 0 };
    step("io-uring-setup", syscall(425 /* io_uring_setup */, 8, params));
    step("io-uring-enter", syscall(426 /* io_uring_enter */, -1, 1, 0, 0, NULL, 0));
    step("io-uring-register", syscall(427 /* io_uring_register */, -1, 0, NULL, 0));
}

static void x32(void)
{
    /* Either the filter kills us with SIGSYS (expected), or we report what happened. */
    step("x32-getpid", syscall(0x40000000 | SYS_getpid));
    step("x32-unshare", syscall(0x40000000 | SYS_unshare, CLONE_NEWUSER));
}

static void no_i386_entry(int sig)
{
    (void)sig;
    /* int $0x80 faulted: this kernel has no i386 entry point (IA32 emulation off), so there is nothing to filter. */
    token("i386-getpid", "NOENTRY", "int $0x80 raised SIGSEGV");
    probe_end();
    _exit(0);
}

static void i386(void)
{
    long ret;
    signal(SIGSEGV, no_i386_entry);
    /* int $0x80 with eax = 20: getpid in the i386 table. The filter must kill us (SIGSYS) before it runs. */
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    token("i386-getpid", ret >= 0 ? "OK" : errname((int)-ret), "%ld", ret);
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(310L), "b"((long)CLONE_NEWUSER) : "memory");
    token("i386-unshare", ret >= 0 ? "OK" : errname((int)-ret), "%ld", ret);
}

static void ptrace_rewrite(void)
{
    pid_t child = fork();
    if (child == 0) {
        long rc = ptrace(PTRACE_TRACEME, 0, 0, 0);
        _exit(rc == 0 ? 0 : (errno & 0x7f));
    }
    int status = 0;
    waitpid(child, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    token("ptrace-traceme", code == 0 ? "OK" : code > 0 ? errname(code) : "CRASHED", NULL);
    step("ptrace-setregs-child", ptrace(PTRACE_SETREGS, child, 0, 0));
}

static void userfaultfd(void)
{
    step("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */));
    step_fd("open-dev-userfaultfd", open("/dev/userfaultfd", O_RDWR));
}

static void perf(void)
{
    struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof attr, .config = PERF_COUNT_SW_CPU_CLOCK };
    step("perf-sw-cpu-clock", syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    struct perf_event_attr hw = { .type = PERF_TYPE_HW_CACHE, .size = sizeof hw, .config = 0x10000 /* LL read miss */ };
    step("perf-hw-cache", syscall(SYS_perf_event_open, &hw, 0, -1, -1, 0));
    step("fanotify-init", syscall(SYS_fanotify_init, 0, 0));
    step("lookup-dcookie", syscall(SYS_lookup_dcookie, 0, NULL, 0));
}

static void bpf(void)
{
    union bpf_attr map = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1 };
    step("bpf-map-create", syscall(SYS_bpf, BPF_MAP_CREATE, &map, sizeof map));
    struct bpf_insn ret0[] = { { .code = 0xb7 /* mov r0, 0 */ }, { .code = 0x95 /* exit */ } };
    union bpf_attr prog = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insn_cnt = 2,
        .insns = (unsigned long)ret0, .license = (unsigned long)"GPL" };
    step("bpf-prog-load", syscall(SYS_bpf, BPF_PROG_LOAD, &prog, sizeof prog));
}

static void keyring(void)
{
    step("keyctl-get-user-keyring", syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -4 /* USER */, 0));
    step("add-key-session", syscall(SYS_add_key, "user", "cordon-probe", "x", 1, -3 /* SESSION */));
    step("keyctl-join-session", syscall(SYS_keyctl, 1 /* JOIN_SESSION_KEYRING */, "cordon-probe"));
    step("request-key", syscall(SYS_request_key, "user", "cordon-probe", NULL, 0));
}

static void host_admin(void)
{
    step("init-module", syscall(SYS_init_module, NULL, 0, ""));
    step("finit-module", syscall(SYS_finit_module, -1, "", 0));
    step("delete-module", syscall(SYS_delete_module, "cordon_probe", 0));
    step("kexec-load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    step("reboot-cad-off", syscall(SYS_reboot, 0xfee1dead, 672274793, 0 /* LINUX_REBOOT_CMD_CAD_OFF */, NULL));
    step("swapon", syscall(SYS_swapon, "/tmp/none", 0));
    step("acct", syscall(SYS_acct, NULL));
    step("quotactl", syscall(SYS_quotactl, 0, NULL, 0, NULL));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    step("clock-settime", clock_settime(CLOCK_REALTIME, &ts));
    struct timeval tv = { ts.tv_sec, 0 };
    step("settimeofday", settimeofday(&tv, NULL));
    struct timex tx = { .modes = ADJ_OFFSET, .offset = 0 };
    step("adjtimex-offset", adjtimex(&tx));
    step("sethostname", sethostname("cordon-probe-pwn", 16));
    step("setdomainname", setdomainname("cordon-probe-pwn", 16));
    char buf[64];
    step("syslog-read-all", syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof buf));
    step("iopl-3", syscall(SYS_iopl, 3));
    step("ioperm", syscall(SYS_ioperm, 0x80, 1, 1));
    step("vhangup", syscall(SYS_vhangup));
}

static void personas(void)
{
    step("personality-query", personality(0xffffffff));
    step("personality-read-implies-exec", personality(READ_IMPLIES_EXEC));
    step("personality-addr-no-randomize", personality(ADDR_NO_RANDOMIZE));
    step("personality-bsd", personality(6 /* PER_BSD */));
}

static void legacy(void)
{
    char buf[16];
    step("modify-ldt", syscall(SYS_modify_ldt, 0, buf, sizeof buf));
    step("set-thread-area", syscall(SYS_set_thread_area, NULL));
    step("sync", syscall(SYS_sync));
    step("mbind", syscall(SYS_mbind, NULL, 0, 0, NULL, 0, 0));
    step("migrate-pages", syscall(SYS_migrate_pages, 0, 0, NULL, NULL));
    step("memfd-secret", syscall(447 /* memfd_secret */, 0));
    step("io-setup", syscall(SYS_io_setup, 1, NULL));
    step("uselib", syscall(SYS_uselib, "/none"));
    step("get-robust-list-pid1", syscall(SYS_get_robust_list, 1, NULL, NULL));
}

static void unknown(void)
{
    step("nr-999", syscall(999));
    step("nr-512", syscall(512));
    step("nr-huge", syscall(0x3fffffff));
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *mode = argc > 2 ? argv[2] : "";
    struct { const char *name; void (*run)(void); } modes[] = {
        { "userns", userns }, { "other-ns", other_ns }, { "clone3", clone3 }, { "mount", mounts },
        { "io-uring", io_uring }, { "x32", x32 }, { "i386", i386 }, { "ptrace-rewrite", ptrace_rewrite },
        { "userfaultfd", userfaultfd }, { "perf", perf }, { "bpf", bpf }, { "keyring", keyring },
        { "host-admin", host_admin }, { "personality", personas }, { "legacy", legacy }, { "unknown", unknown },
    };
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        if (!strcmp(mode, modes[i].name)) { modes[i].run(); return probe_end(); }
    }
    printf("unknown mode '%s'\n", mode);
    return 2;
}
