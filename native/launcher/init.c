/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * init: pid 1 of the sandbox's pid namespace (bwrap --as-pid-1).
 *
 *   cordon-launch init --status-fd N --notify-fd M [--bpf-fd B]
 *                      [--landlock-ro PATH]... [--landlock-rw PATH]... [--landlock-deny-net]
 *                      [--landlock-deny-connect] [--dns-stub]
 *                      [--require-landlock] [--rlimit NAME=SOFT:HARD]... [--fd FROM:TO]...
 *
 * --command-fd C (warm mode): the guest's command is not on the command line. pid 1's child applies
 * Landlock, reports R (ready) and blocks on C for one message (command.c): the guest's argv, its
 * environment (which replaces bwrap's), its working directory, stdin/stdout/stderr and inherited
 * descriptors. Then it goes on exactly as a cold child: descriptors, rlimits, seccomp, exec.
 *
 * --dns-stub: two unbound sockets (UDP, TCP) made in the sandbox's network namespace are sent to
 * the supervisor with the seccomp listener; it binds them to the guest's name server address
 * (it owns the sandbox's user namespace, so it may take port 53 there) and answers on them.
 *                      -- GUEST ARGS...
 *
 * pid 1 forks the guest-to-be, forwards its reports to the status fd, reaps every process of
 * the namespace, and exits with the guest's status; the kernel then kills whatever is left.
 * pid 1 installs no signal handlers: the kernel drops signals sent to a namespace's init from
 * inside the namespace unless init handles them, so the guest cannot kill or stop us.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

extern char **environ;

#define BPF_MAX_INSNS 4096 /* BPF_MAXINSNS, the kernel's limit for one seccomp filter */
/* The supervisor's seccomp filter allows sendmsg(2) only on this fd. */
#define NOTIFY_FD 255
/* Launcher-private fds live at or above this while the guest's fds are being arranged, so that
 * any TO in 3..254 is free to take. */
#define PRIVATE_FD_MIN 256

struct fd_map {
    int from;
    int to;
};

struct rlimit_request {
    int resource;
    const char *name;
    struct rlimit limit;
};

struct init_options {
    int status_fd;
    int notify_fd;
    int bpf_fd;
    int command_fd;
    bool dns_stub;
    struct landlock_policy landlock;
    struct rlimit_request rlimits[16];
    size_t n_rlimits;
    struct fd_map fds[254 - 3 + 1];
    size_t n_fds;
    char **guest_argv;
};

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    { "CPU", RLIMIT_CPU },       { "FSIZE", RLIMIT_FSIZE }, { "NOFILE", RLIMIT_NOFILE },
    { "CORE", RLIMIT_CORE },     { "STACK", RLIMIT_STACK }, { "AS", RLIMIT_AS },
    { "NPROC", RLIMIT_NPROC },
};

static bool parse_rlim_value(const char *s, rlim_t *out)
{
    if (strcmp(s, "inf") == 0) {
        *out = RLIM_INFINITY;
        return true;
    }
    uint64_t v;
    /* RLIM_INFINITY is all ones; a finite number must stay below it. */
    if (!parse_u64(s, RLIM_INFINITY - 1, &v))
        return false;
    *out = (rlim_t)v;
    return true;
}

/* NAME=SOFT:HARD */
static bool parse_rlimit(const char *s, struct rlimit_request *r)
{
    if (s == NULL)
        return false;
    const char *eq = strchr(s, '=');
    if (eq == NULL)
        return false;
    r->name = NULL;
    for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) {
        size_t len = strlen(rlimit_names[i].name);
        if ((size_t)(eq - s) == len && strncmp(s, rlimit_names[i].name, len) == 0) {
            r->name = rlimit_names[i].name;
            r->resource = rlimit_names[i].resource;
        }
    }
    if (r->name == NULL)
        return false;

    const char *colon = strchr(eq + 1, ':');
    if (colon == NULL || colon - (eq + 1) >= 24)
        return false;
    char soft[24];
    memcpy(soft, eq + 1, (size_t)(colon - (eq + 1)));
    soft[colon - (eq + 1)] = '\0';
    return parse_rlim_value(soft, &r->limit.rlim_cur) &&
           parse_rlim_value(colon + 1, &r->limit.rlim_max);
}

/* FROM:TO, TO in 3..254 (255 is the notify socket). */
static bool parse_fd_map(const char *s, struct fd_map *m)
{
    if (s == NULL)
        return false;
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon - s >= 16)
        return false;
    char from[16];
    memcpy(from, s, (size_t)(colon - s));
    from[colon - s] = '\0';
    uint64_t to;
    if (!parse_fd(from, &m->from) || !parse_u64(colon + 1, NOTIFY_FD - 1, &to) || to < 3)
        return false;
    m->to = (int)to;
    return true;
}

/* Returns NULL, or the step to report with EINVAL. */
static const char *parse_init(int argc, char **argv, struct init_options *o)
{
    o->status_fd = -1;
    o->notify_fd = -1;
    o->bpf_fd = -1;
    o->command_fd = -1;
    struct landlock_policy *ll = &o->landlock;
    int i;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--status-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &o->status_fd))
                return "arg-status-fd";
        } else if (strcmp(a, "--notify-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &o->notify_fd))
                return "arg-notify-fd";
        } else if (strcmp(a, "--bpf-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &o->bpf_fd))
                return "arg-bpf-fd";
        } else if (strcmp(a, "--command-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &o->command_fd))
                return "arg-command-fd";
        } else if (strcmp(a, "--landlock-ro") == 0 || strcmp(a, "--landlock-rw") == 0) {
            bool rw = strcmp(a, "--landlock-rw") == 0;
            const char *path = option_value(argc, argv, &i);
            /* Relative paths would depend on bwrap's --chdir. */
            if (path == NULL || path[0] != '/' || (rw ? ll->n_rw : ll->n_ro) == LAUNCH_MAX_PATHS)
                return "arg-landlock";
            if (rw)
                ll->rw[ll->n_rw++] = path;
            else
                ll->ro[ll->n_ro++] = path;
        } else if (strcmp(a, "--landlock-list") == 0) {
            /* Directory listing only, e.g. for "/" so `ls /` works without granting file reads beneath it. */
            const char *path = option_value(argc, argv, &i);
            if (path == NULL || path[0] != '/' || ll->n_list == LAUNCH_MAX_PATHS)
                return "arg-landlock";
            ll->list[ll->n_list++] = path;
        } else if (strcmp(a, "--landlock-deny-net") == 0) {
            ll->deny_net = true;
        } else if (strcmp(a, "--landlock-deny-connect") == 0) {
            ll->deny_connect = true;
        } else if (strcmp(a, "--dns-stub") == 0) {
            o->dns_stub = true;
        } else if (strcmp(a, "--require-landlock") == 0) {
            ll->require = true;
        } else if (strcmp(a, "--rlimit") == 0) {
            struct rlimit_request r;
            if (!parse_rlimit(option_value(argc, argv, &i), &r))
                return "arg-rlimit";
            for (size_t k = 0; k < o->n_rlimits; k++) {
                if (o->rlimits[k].resource == r.resource)
                    return "arg-rlimit"; /* a repeated limit is ambiguous */
            }
            o->rlimits[o->n_rlimits++] = r;
        } else if (strcmp(a, "--fd") == 0) {
            struct fd_map m;
            if (!parse_fd_map(option_value(argc, argv, &i), &m))
                return "arg-fd";
            for (size_t k = 0; k < o->n_fds; k++) {
                if (o->fds[k].to == m.to)
                    return "arg-fd";
            }
            o->fds[o->n_fds++] = m;
        } else {
            return "arg-unknown";
        }
    }

    if (o->status_fd < 0)
        return "arg-status-fd";
    if (o->notify_fd < 0 || o->notify_fd == o->status_fd)
        return "arg-notify-fd";
    if (o->bpf_fd >= 0 && (o->bpf_fd == o->status_fd || o->bpf_fd == o->notify_fd))
        return "arg-bpf-fd";
    if (o->command_fd >= 0 && (o->command_fd == o->status_fd || o->command_fd == o->notify_fd ||
                               o->command_fd == o->bpf_fd))
        return "arg-command-fd";
    /* Handing the guest one of the launcher's own channels would let it forge status lines or
     * listeners. */
    for (size_t k = 0; k < o->n_fds; k++) {
        int from = o->fds[k].from;
        if (from == o->status_fd || from == o->notify_fd || from == o->bpf_fd || from == o->command_fd)
            return "arg-fd";
    }
    /* Warm: the program comes with the command. */
    if (o->command_fd >= 0) {
        if (i != argc)
            return "arg-program";
        o->guest_argv = NULL;
        return NULL;
    }
    if (i >= argc)
        return "arg-program";
    o->guest_argv = &argv[i];
    return NULL;
}

/* Sets every catchable signal to SIG_DFL and unblocks everything. Raw syscalls, because glibc
 * refuses to touch its two internal signals (32, 33), which an exotic parent might have set to
 * SIG_IGN. SIG_IGN survives execve, and an ignored SIGCHLD would make the kernel auto-reap our
 * children, breaking waitpid. SIG_DFL is 0, so the all-zero kernel struct means the same on
 * every architecture, whatever its field order. */
static int reset_signals(void)
{
    struct {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
    } dfl = { SIG_DFL, 0, NULL, 0 };
    for (int sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask) < 0)
            return -1;
    }
    uint64_t empty = 0;
    return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, sizeof empty);
}

/* Reads the whole BPF program (an array of struct sock_filter) from fd. Returns the number of
 * instructions, or -1 with errno set. */
static long read_bpf(int fd, struct sock_filter *prog)
{
    const size_t cap = BPF_MAX_INSNS * sizeof *prog;
    size_t got = 0;
    for (;;) {
        /* Ask for one byte past the limit so an oversized program is noticed. */
        char extra;
        char *dst = got < cap ? (char *)prog + got : &extra;
        size_t want = got < cap ? cap - got : 1;
        ssize_t n = read(fd, dst, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (got >= cap) {
            errno = E2BIG;
            return -1;
        }
        got += (size_t)n;
    }
    if (got == 0 || got % sizeof *prog != 0) {
        errno = EINVAL;
        return -1;
    }
    return (long)(got / sizeof *prog);
}

/* Closes every fd >= 3 except a and b (both >= 3, distinct). */
static int close_fds_except(int a, int b)
{
    int lo = a < b ? a : b;
    int hi = a < b ? b : a;
    if (lo > 3 && close_range(3, (unsigned)lo - 1, 0) < 0)
        return -1;
    if (hi > lo + 1 && close_range((unsigned)lo + 1, (unsigned)hi - 1, 0) < 0)
        return -1;
    return close_range((unsigned)hi + 1, ~0U, 0);
}

static int dup_private(int fd)
{
    return fcntl(fd, F_DUPFD_CLOEXEC, PRIVATE_FD_MIN);
}

/* Only sendmsg(2): runs after the seccomp filter is installed. */
static int send_listener(int sock, const int *fds, size_t n_fds)
{
    char byte = 'L';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr header;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = CMSG_SPACE(n_fds * sizeof(int)),
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));

    for (;;) {
        /* MSG_NOSIGNAL: a vanished supervisor is an error to report, not a SIGPIPE. */
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n == 1)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n >= 0)
            errno = EIO;
        return -1;
    }
}

/* execvp without its extras: no "sh" fallback on ENOEXEC, no implicit current directory for an
 * empty PATH element, and only execve(2) (this runs under the seccomp filter). Returns errno. */
static int exec_guest(char **argv, char **envp)
{
    const char *file = argv[0];
    if (file[0] == '\0')
        return ENOENT;
    if (strchr(file, '/') != NULL) {
        execve(file, argv, envp);
        return errno;
    }

    /* The guest's environment is the one bwrap built (--clearenv, --setenv). Without PATH use
     * the POSIX default (confstr _CS_PATH). */
    const char *path = NULL;
    for (char **e = envp; *e != NULL; e++) {
        if (strncmp(*e, "PATH=", 5) == 0)
            path = *e + 5; /* the first, as getenv(3) finds it */
        if (path != NULL)
            break;
    }
    if (path == NULL)
        path = "/bin:/usr/bin";
    size_t file_len = strlen(file);
    if (file_len > NAME_MAX)
        return ENAMETOOLONG;

    bool saw_eacces = false;
    char candidate[PATH_MAX];
    for (const char *dir = path;;) {
        const char *end = strchrnul(dir, ':');
        size_t dir_len = (size_t)(end - dir);
        if (dir_len > 0 && dir_len + 1 + file_len < sizeof candidate) {
            memcpy(candidate, dir, dir_len);
            candidate[dir_len] = '/';
            memcpy(candidate + dir_len + 1, file, file_len + 1);
            execve(candidate, argv, envp);
            switch (errno) {
            case EACCES:
                saw_eacces = true; /* found but not executable: keep looking, like execvp */
                break;
            case ENOENT:
            case ENOTDIR:
            case ELOOP:
            case ENAMETOOLONG:
            case ESTALE:
            case ENODEV:
            case ETIMEDOUT:
                break;
            default:
                return errno; /* found, and exec failed for a real reason (ENOEXEC, E2BIG...) */
            }
        }
        if (*end == '\0')
            break;
        dir = end + 1;
    }
    return saw_eacces ? EACCES : ENOENT;
}

/* The guest-to-be. Never returns; reports through report_fd, never touches stdout/stderr. */
static _Noreturn void run_child(const struct init_options *o, struct sock_filter *prog,
                                long prog_len, int report_fd)
{
    /* a. Signal dispositions and mask were reset in pid 1 before fork and are inherited. The
     *    status fd is pid 1's alone. */
    if (close(o->status_fd) < 0)
        report_fatal(report_fd, "close-status", errno);

    /* b. Landlock; it opens the rule paths, so it goes before anything narrows fds or limits. */
    landlock_apply(&o->landlock, report_fd);

    /* b'. Warm: wait for the command. Until it arrives this process holds no guest descriptor,
     *     and the guest's stdio, cwd, environment and inherited fds all come with it. */
    struct fd_map maps[sizeof o->fds / sizeof o->fds[0]];
    size_t n_maps = o->n_fds;
    memcpy(maps, o->fds, n_maps * sizeof maps[0]);
    char **guest_argv = o->guest_argv;
    char **guest_env = environ;
    if (o->command_fd >= 0) {
        static struct warm_command command;
        if (report_ready(report_fd) < 0)
            _exit(LAUNCH_EXIT_FAILED);
        command_receive(o->command_fd, report_fd, &command);
        if (chdir(command.cwd) < 0)
            report_fatal(report_fd, "chdir", errno);
        guest_argv = command.argv;
        guest_env = command.envp;
        for (size_t i = 0; i < command.n_fds; i++) {
            for (size_t k = 0; k < n_maps; k++) {
                if (maps[k].to == command.fds_to[i])
                    report_fatal(report_fd, "command-spec", EPROTO);
            }
            if (n_maps == sizeof maps / sizeof maps[0])
                report_fatal(report_fd, "command-spec", EPROTO);
            maps[n_maps++] = (struct fd_map){ .from = command.fds_from[i], .to = command.fds_to[i] };
        }
    }

    /* c. Descriptors. Move our own (report pipe, notify socket, each FROM) to >= 256 first,
     *    so that any TO in 3..254 can be taken, even one equal to a number we were using. */
    int private_report = dup_private(report_fd);
    if (private_report < 0)
        report_fatal(report_fd, "fd-move", errno);
    report_fd = private_report;
    int notify = dup_private(o->notify_fd);
    if (notify < 0)
        report_fatal(report_fd, "fd-move", errno);
    int from_copy[sizeof o->fds / sizeof o->fds[0]];
    for (size_t i = 0; i < n_maps; i++) {
        from_copy[i] = dup_private(maps[i].from);
        if (from_copy[i] < 0)
            report_fatal(report_fd, "fd-map", errno);
    }
    /* Everything >= 3 closes at execve; then only the dup2 targets (CLOEXEC cleared) survive.
     * This includes anything bwrap or the supervisor leaked to us. */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        report_fatal(report_fd, "close-range", errno);
    for (size_t i = 0; i < n_maps; i++) {
        if (dup2(from_copy[i], maps[i].to) < 0)
            report_fatal(report_fd, "fd-map", errno);
        if (close(from_copy[i]) < 0)
            report_fatal(report_fd, "fd-map", errno);
    }
    if (dup3(notify, NOTIFY_FD, O_CLOEXEC) < 0)
        report_fatal(report_fd, "fd-move", errno);
    if (close(notify) < 0)
        report_fatal(report_fd, "fd-move", errno);

    /* c'. The name server's sockets, in this network namespace (close-on-exec: the guest never
     *     holds them). Made before the rlimits, so a small NOFILE cannot refuse them. */
    int stub[2] = { -1, -1 };
    if (o->dns_stub) {
        stub[0] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        stub[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (stub[0] < 0 || stub[1] < 0)
            report_fatal(report_fd, "dns-stub-socket", errno);
    }

    /* d. rlimits. Lowering NOFILE does not close fds above it; new fds must fit below it (the
     *    seccomp listener takes the lowest free number). */
    for (size_t i = 0; i < o->n_rlimits; i++) {
        if (setrlimit(o->rlimits[i].resource, &o->rlimits[i].limit) < 0) {
            char step[32];
            snprintf(step, sizeof step, "rlimit-%s", o->rlimits[i].name);
            report_fatal(report_fd, step, errno);
        }
    }

    /* e. seccomp, last: from here on only sendmsg(255), close, execve, write and exit_group,
     *    which the supervisor's filter always allows. */
    if (prog != NULL) {
        struct sock_fprog fprog = { .len = (unsigned short)prog_len, .filter = prog };
        long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
        if (listener < 0)
            report_fatal(report_fd, "seccomp-install", errno);
        int sent[3] = { (int)listener, stub[0], stub[1] };
        if (send_listener(NOTIFY_FD, sent, o->dns_stub ? 3 : 1) < 0)
            report_fatal(report_fd, "notify-send", errno);
        if (close((int)listener) < 0)
            report_fatal(report_fd, "listener-close", errno);
    }
    /* Closing it without a listener tells the supervisor there will be none. */
    if (close(NOTIFY_FD) < 0)
        report_fatal(report_fd, "notify-close", errno);

    /* f. exec. On success report_fd closes (CLOEXEC) and pid 1 reads EOF. */
    int err = exec_guest(guest_argv, guest_env);
    if (report_exec_error(report_fd, err) < 0)
        _exit(LAUNCH_EXIT_FAILED);
    _exit(err == ENOENT ? LAUNCH_EXIT_NOT_FOUND : LAUNCH_EXIT_CANNOT_EXEC);
}

static void report_status(int status_fd, int status)
{
    int rc;
    if (WIFEXITED(status)) {
        rc = status_write(status_fd, "S exit %d", WEXITSTATUS(status));
    } else {
        rc = status_write(status_fd, "S signal %d%s", WTERMSIG(status),
                          WCOREDUMP(status) ? " core" : "");
    }
    if (rc < 0)
        _exit(LAUNCH_EXIT_FAILED);
}

/* Forwards the child's records until EOF. Returns only once the guest was exec'd (X written)
 * or exec failed (E written). */
static void forward_reports(int status_fd, int report_fd)
{
    bool exec_failed = false;
    for (;;) {
        struct report_record r;
        size_t got = 0;
        while (got < sizeof r) {
            ssize_t n = read(report_fd, (char *)&r + got, sizeof r - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                status_fatal(status_fd, "report-read", errno);
            if (n == 0)
                break;
            got += (size_t)n;
        }
        if (got == 0)
            break;
        if (got != sizeof r)
            status_fatal(status_fd, "report-read", EPROTO);

        r.text[sizeof r.text - 1] = '\0';
        for (char *c = r.text; *c != '\0'; c++) {
            if (*c < 0x20 || *c == 0x7f)
                *c = '?'; /* never let a record break the line protocol */
        }
        int rc;
        switch (r.kind) {
        case 'W':
            rc = status_write(status_fd, "W %s", r.text);
            break;
        case 'F':
            /* Nothing was exec'd; exiting kills the child along with the namespace. */
            status_fatal(status_fd, r.text[0] != '\0' ? r.text : "child", r.err);
        case 'R':
            rc = status_write(status_fd, "R");
            break;
        case 'E':
            exec_failed = true;
            rc = status_write(status_fd, "E %d", r.err);
            break;
        default:
            status_fatal(status_fd, "report-read", EPROTO);
        }
        /* No one hears us any more: stop the run rather than run unsupervised. */
        if (rc < 0)
            _exit(LAUNCH_EXIT_FAILED);
    }
    /* EOF without an error record: the CLOEXEC write end closed at a successful execve. (If the
     * child was killed before reporting, the S line that follows shows the signal.) */
    if (!exec_failed && status_write(status_fd, "X") < 0)
        _exit(LAUNCH_EXIT_FAILED);
}

int init_main(int argc, char **argv)
{
    static struct init_options o; /* large (fd table); keep it off the stack */
    static struct sock_filter prog[BPF_MAX_INSNS];

    const char *bad = parse_init(argc, argv, &o);
    status_fd_require(o.status_fd);
    int sfd = o.status_fd;
    if (bad != NULL)
        status_fatal(sfd, bad, EINVAL);
    stdio_require(sfd);

    /* 1. */
    if (getpid() != 1)
        status_fatal(sfd, "not-pid1", EINVAL);
    /* Non-dumpable: the guest runs as our uid, and must not open /proc/1/mem or /proc/1/fd/N
     * (our copies of the status pipe and the FROM fds). */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        status_fatal(sfd, "dumpable", errno);
    /* Required by Landlock and by seccomp without CAP_SYS_ADMIN; inherited by the guest. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        status_fatal(sfd, "no-new-privs", errno);
    if (reset_signals() < 0)
        status_fatal(sfd, "signals", errno);
    if (fcntl(o.notify_fd, F_GETFD) < 0)
        status_fatal(sfd, "notify-fd", errno);

    /* 2. */
    long prog_len = 0;
    if (o.bpf_fd >= 0) {
        prog_len = read_bpf(o.bpf_fd, prog);
        if (prog_len < 0)
            status_fatal(sfd, "bpf-read", errno);
        if (close(o.bpf_fd) < 0)
            status_fatal(sfd, "bpf-close", errno);
    }

    /* 3. */
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        status_fatal(sfd, "report-pipe", errno);
    pid_t child = fork();
    if (child < 0)
        status_fatal(sfd, "fork", errno);
    if (child == 0) {
        if (close(report[0]) < 0)
            report_fatal(report[1], "close-report", errno);
        run_child(&o, o.bpf_fd >= 0 ? prog : NULL, prog_len, report[1]);
    }

    /* 4. Keep only the status fd and the report pipe's read end: the notify socket, the FROM
     *    fds and the write end are the child's business. */
    if (close_fds_except(sfd, report[0]) < 0)
        status_fatal(sfd, "close-fds", errno);
    forward_reports(sfd, report[0]);
    if (close(report[0]) < 0)
        status_fatal(sfd, "close-report", errno);

    /* Reap everything: orphans of the namespace re-parent to us. __WALL also collects children
     * whose exit signal is not SIGCHLD. */
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            status_fatal(sfd, "wait", errno);
        if (pid != child)
            continue;
        report_status(sfd, status);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
}
