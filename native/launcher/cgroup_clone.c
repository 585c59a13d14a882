/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * cgroup_clone: enter's way into a cgroup v2 run cgroup without the cgroup.procs wait.
 *
 * A process cannot move itself into a v2 cgroup cheaply: its first write to cgroup.procs takes the
 * kernel's threadgroup lock, which waits for an RCU grace period (5-15 ms, traced). A new process can
 * be born in the cgroup instead, with clone3(CLONE_INTO_CGROUP) (Linux 5.7): that child becomes bwrap,
 * so bwrap and everything it starts is in the cgroup from its first instruction. enter stays behind as
 * bwrap's parent and stands in for it towards the supervisor: it exits as bwrap exits, with its status
 * or its signal.
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

pid_t clone_into_cgroup(int cgroup_fd)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = (uint64_t)cgroup_fd;
    /* A plain fork otherwise (no CLONE_VM): the child continues on its own copy of our stack. */
    return (pid_t)syscall(SYS_clone3, &args, CLONE_ARGS_SIZE_VER2);
}

bool clone_into_cgroup_unsupported(int err)
{
    /* ENOSYS: no clone3 (< 5.3, or a seccomp profile that hides it). E2BIG: clone3 without the
     * cgroup field (5.3-5.6). EINVAL: a kernel that does not know the flag. */
    return err == ENOSYS || err == E2BIG || err == EINVAL;
}

static volatile pid_t relay_target;

static void relay(int sig)
{
    int saved = errno;
    kill(relay_target, sig);
    errno = saved;
}

/* The catchable signals that end a process by default: whoever signals enter means bwrap. The
 * supervisor itself only ever sends SIGKILL here, which ends enter, and bwrap with it (its
 * PDEATHSIG). */
static const int relayed_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
    SIGPIPE, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF };

_Noreturn void stand_in_for(pid_t child)
{
    relay_target = child;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = relay;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
        sigaction(relayed_signals[i], &sa, NULL);

    /* Hold no end of the run's pipes and sockets: their EOF must mean that bwrap and the sandbox
     * are gone (and the filter pipe's reader must be init alone), not that enter is. */
    if (syscall(SYS_close_range, 0U, ~0U, 0U) < 0) {
        for (int fd = 0; fd < 65536; fd++)
            close(fd);
    }

    /* Wait without reaping first: while bwrap is a zombie its pid cannot be reused, so a relayed
     * signal can only reach bwrap. Then stop relaying and reap. */
    siginfo_t info;
    while (waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT) < 0) {
        if (errno != EINTR)
            _exit(LAUNCH_EXIT_FAILED);
    }
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            _exit(LAUNCH_EXIT_FAILED);
    }
    if (WIFEXITED(status))
        _exit(WEXITSTATUS(status));

    /* Die of the same signal, so the supervisor's wait status is the one bwrap's would have been;
     * without a core file of our own. */
    int sig = WTERMSIG(status);
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}
