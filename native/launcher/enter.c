/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * enter: runs on the host, between the supervisor's posix_spawn and bwrap.
 *
 *   cordon-launch enter --status-fd N [--parent-pid P] [--cgroup DIR]... [--user UID:GID]
 *                       [--stage DIR --idmap-fd FD[:UPPER]...]
 *                       -- PROGRAM ARGS...
 *
 * Joining the cgroups here, before bwrap exists, means every process of the run (bwrap, its
 * pid 1, the guest and all descendants) is accounted and killable through them from the start.
 * On cgroup v1 enter moves itself (one write to each hierarchy's tasks file) and execs bwrap. On
 * cgroup v2 bwrap is born in the run's cgroup instead (clone3 with CLONE_INTO_CGROUP, see
 * cgroup_clone.c) and enter stays as its parent, exiting as it exits; where the kernel lacks that,
 * enter writes its pid to cgroup.procs and execs bwrap as on v1.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launch.h"

extern char **environ;

struct enter_options {
    int status_fd;
    bool has_parent;
    pid_t parent;
    const char *cgroups[LAUNCH_MAX_CGROUPS];
    size_t n_cgroups;
    bool has_user;
    uid_t uid;
    gid_t gid;
    bool cgroup_procs; /* benchmark baseline: join through cgroup.procs even on v1 */
    const char *stage_dir;
    int idmap_fds[LAUNCH_MAX_PATHS];
    int upper_fds[LAUNCH_MAX_PATHS];
    size_t n_idmaps;
    char **program_argv;
};

/* Parses "UID:GID"; 0 is refused for either, since dropping to root is no drop. */
static bool parse_user(const char *s, uid_t *uid, gid_t *gid)
{
    return parse_id_pair(s, uid, gid) && *uid != 0 && *gid != 0;
}

/* Returns NULL, or the step to report with EINVAL. */
static const char *parse_enter(int argc, char **argv, struct enter_options *o)
{
    o->status_fd = -1;
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
        } else if (strcmp(a, "--parent-pid") == 0) {
            uint64_t p;
            if (!parse_u64(option_value(argc, argv, &i), INT_MAX, &p) || p == 0)
                return "arg-parent-pid";
            o->has_parent = true;
            o->parent = (pid_t)p;
        } else if (strcmp(a, "--cgroup") == 0) {
            const char *dir = option_value(argc, argv, &i);
            if (dir == NULL || dir[0] != '/' || o->n_cgroups == LAUNCH_MAX_CGROUPS)
                return "arg-cgroup";
            o->cgroups[o->n_cgroups++] = dir;
        } else if (strcmp(a, "--user") == 0) {
            if (o->has_user || !parse_user(option_value(argc, argv, &i), &o->uid, &o->gid))
                return "arg-user";
            o->has_user = true;
        } else if (strcmp(a, "--cgroup-procs") == 0) {
            o->cgroup_procs = true;
        } else if (strcmp(a, "--stage") == 0) {
            const char *dir = option_value(argc, argv, &i);
            if (dir == NULL || dir[0] != '/' || o->stage_dir != NULL)
                return "arg-stage";
            o->stage_dir = dir;
        } else if (strcmp(a, "--idmap-fd") == 0) {
            /* FD, or FD:UPPER with the budgeted tmpfs the guest's writes go to. */
            const char *v = option_value(argc, argv, &i);
            char fd_text[16];
            const char *colon = v == NULL ? NULL : strchr(v, ':');
            size_t len = v == NULL ? 0 : colon == NULL ? strlen(v) : (size_t)(colon - v);
            int fd, upper = -1;
            if (v == NULL || len == 0 || len >= sizeof fd_text || o->n_idmaps == LAUNCH_MAX_PATHS)
                return "arg-idmap-fd";
            memcpy(fd_text, v, len);
            fd_text[len] = '\0';
            if (!parse_fd(fd_text, &fd) || fd < 3 || (colon != NULL && (!parse_fd(colon + 1, &upper) || upper < 3)))
                return "arg-idmap-fd";
            o->idmap_fds[o->n_idmaps] = fd;
            o->upper_fds[o->n_idmaps++] = upper;
        } else {
            return "arg-unknown";
        }
    }
    if (o->status_fd < 0)
        return "arg-status-fd";
    /* Idmapped grants stand the run's uid in for the owner: they need a run uid and a stage. */
    if (o->n_idmaps > 0 && (!o->has_user || o->stage_dir == NULL))
        return "arg-idmap-fd";
    /* PROGRAM must be absolute: the host PATH is not part of the contract. */
    if (i >= argc || argv[i][0] != '/')
        return "arg-program";
    o->program_argv = &argv[i];
    return NULL;
}

/* Writes TEXT to DIR/NAME with one write(2). 0, or -1 with errno set. */
static int write_cgroup_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t w;
    do
        w = write(fd, text, len);
    while (w < 0 && errno == EINTR);
    int write_errno = errno;
    if (close(fd) < 0 && w == (ssize_t)len)
        return -1;
    if (w != (ssize_t)len) {
        errno = w < 0 ? write_errno : EIO;
        return -1;
    }
    return 0;
}

/* Moves us into DIR through DIR/cgroup.procs: on a process's first write the kernel's threadgroup
 * lock waits for an RCU grace period (5-15 ms, traced). 0, or -1 with errno set. */
static int join_through_procs(const char *dir)
{
    char pid_text[16];
    snprintf(pid_text, sizeof pid_text, "%d", (int)getpid());
    return write_cgroup_file(dir, "cgroup.procs", pid_text);
}

/* Joins the cgroup v1 hierarchies and finds the v2 cgroup. A v1 directory is joined through its
 * tasks file with "0" (this thread): the launcher is single-threaded, so that moves the whole
 * process without the cgroup.procs wait. A directory without a tasks file is cgroup v2: it is opened
 * (returned in *v2_fd, its path in *v2_dir) for bwrap to be born in. THROUGH_PROCS joins every
 * directory through cgroup.procs instead, the old way, for the benchmark's before/after. */
static void join_cgroups(const struct enter_options *o, int *v2_fd, const char **v2_dir)
{
    *v2_fd = -1;
    *v2_dir = NULL;
    for (size_t i = 0; i < o->n_cgroups; i++) {
        const char *dir = o->cgroups[i];
        if (o->cgroup_procs) {
            if (join_through_procs(dir) < 0)
                status_fatal(o->status_fd, "cgroup-join", errno);
            continue;
        }
        if (write_cgroup_file(dir, "tasks", "0") == 0)
            continue;
        if (errno != ENOENT)
            status_fatal(o->status_fd, "cgroup-join", errno);
        /* There is one unified hierarchy; a second v2 directory cannot be a different one. */
        if (*v2_fd >= 0)
            status_fatal(o->status_fd, "cgroup-join", EINVAL);
        *v2_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (*v2_fd < 0)
            status_fatal(o->status_fd, "cgroup-join", errno);
        *v2_dir = dir;
    }
}

static void die_with_parent(const struct enter_options *o)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        status_fatal(o->status_fd, "pdeathsig", errno);
    /* PDEATHSIG only fires on a death after it is set: if the supervisor already died, our
     * parent is now someone else and no signal will ever come. */
    if (o->has_parent && getppid() != o->parent)
        status_fatal(o->status_fd, "parent-gone", ESRCH);
}

static void drop_to_user(const struct enter_options *o)
{
    int fd = o->status_fd;
    if (geteuid() == 0) {
        /* Order matters: groups and gid while we still may, uid last. */
        if (setgroups(0, NULL) < 0)
            status_fatal(fd, "setgroups", errno);
        if (setresgid(o->gid, o->gid, o->gid) < 0)
            status_fatal(fd, "setresgid", errno);
        if (setresuid(o->uid, o->uid, o->uid) < 0)
            status_fatal(fd, "setresuid", errno);
    }

    /* Trust nothing we did not check: every id must be the requested one (a non-root caller
     * that is not already that user fails here). */
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) < 0)
        status_fatal(fd, "getresuid", errno);
    if (getresgid(&rg, &eg, &sg) < 0)
        status_fatal(fd, "getresgid", errno);
    if (ru != o->uid || eu != o->uid || su != o->uid || rg != o->gid || eg != o->gid ||
        sg != o->gid)
        status_fatal(fd, "user-verify", EPERM);

    /* Leaving uid 0 clears the permitted and effective sets unless securebits say otherwise;
     * clear all three sets explicitly (inheritable caps could come back through file caps on
     * exec) and check. */
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0)
        status_fatal(fd, "capset", errno);
    if (syscall(SYS_capget, &hdr, data) < 0)
        status_fatal(fd, "capget", errno);
    for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective != 0 || data[i].permitted != 0 || data[i].inheritable != 0)
            status_fatal(fd, "user-verify", EPERM);
    }
}

int enter_main(int argc, char **argv)
{
    struct enter_options o;
    memset(&o, 0, sizeof o);
    const char *bad = parse_enter(argc, argv, &o);
    status_fd_require(o.status_fd);
    if (bad != NULL)
        status_fatal(o.status_fd, bad, EINVAL);
    stdio_require(o.status_fd);

    /* bwrap passes its non-CLOEXEC fds into the sandbox, which is how init gets the status
     * pipe; make sure the supervisor's fd survives our exec. */
    int flags = fcntl(o.status_fd, F_GETFD);
    if (flags < 0)
        status_fatal(o.status_fd, "status-fd", errno);
    if ((flags & FD_CLOEXEC) != 0 && fcntl(o.status_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        status_fatal(o.status_fd, "status-fd", errno);

    die_with_parent(&o);

    int v2_fd;
    const char *v2_dir;
    join_cgroups(&o, &v2_fd, &v2_dir);
    if (v2_fd >= 0) {
        /* Before the credential drop: moving a process into a cgroup needs the caller's rights. */
        pid_t enter_pid = getpid();
        pid_t child = clone_into_cgroup(v2_fd);
        if (child > 0)
            stand_in_for(child);
        if (child < 0) {
            if (!clone_into_cgroup_unsupported(errno))
                status_fatal(o.status_fd, "cgroup-join", errno);
            /* An older kernel: join the slow way and go on as on v1. */
            if (join_through_procs(v2_dir) < 0)
                status_fatal(o.status_fd, "cgroup-join", errno);
        } else {
            /* The child, in the run's cgroup: enter is our parent now, and the chain must die with
             * it as it dies with the supervisor. */
            o.has_parent = true;
            o.parent = enter_pid;
            die_with_parent(&o);
        }
        close(v2_fd);
    }

    if (o.n_idmaps > 0) {
        if (geteuid() != 0)
            status_fatal(o.status_fd, "arg-idmap-fd", EPERM);
        stage_idmapped(o.status_fd, o.stage_dir, o.idmap_fds, o.upper_fds, o.n_idmaps, o.uid, o.gid);
    }

    if (o.has_user) {
        drop_to_user(&o);
        /* The kernel clears PDEATHSIG on credential changes; set it again (and re-check the
         * parent, which may have died in between). */
        die_with_parent(&o);
    }

    execve(o.program_argv[0], o.program_argv, environ);
    status_fatal(o.status_fd, "exec-bwrap", errno);
}
