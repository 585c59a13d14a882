/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * stage: writable grants as root, through idmapped mounts (Linux 5.12+).
 *
 * Each run has its own host uid, so a guest writing into a root-owned directory would get EACCES,
 * and with a shared uid its files would land owned by that uid. Instead, while still root, the
 * launcher clones each writable source (an O_PATH descriptor the supervisor opened without
 * following links) as a detached mount, idmaps it so that the run's uid and gid stand for the
 * directory's owner, and attaches it beneath a private tmpfs in a mount namespace of its own.
 * bwrap, exec'd as the run's uid in that namespace, binds from there. Files the guest creates land
 * owned by the directory's owner; nothing of this is visible on the host, and it all goes away
 * with the run's processes.
 *
 * The idmapping is a user namespace whose only mapping is OWNER -> RUN (uid and gid): a short-lived
 * child unshares it, the launcher writes its maps as root and keeps a descriptor to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"

/* Longest stage directory accepted (it is Cordon's own, /run/cordon/stage). */
#define PATH_MAX_STAGE 256

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

static int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned int flags)
{
    return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_mount_setattr(int dfd, const char *path, unsigned int flags, struct mount_attr *attr)
{
    return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (w != (ssize_t)len) {
        errno = w < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

/* A user namespace mapping OWNER_UID -> RUN_UID and OWNER_GID -> RUN_GID, as a descriptor. */
static int idmap_userns(int status_fd, uid_t owner_uid, gid_t owner_gid, uid_t run_uid, gid_t run_gid)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        status_fatal(status_fd, "idmap-userns", errno);
    pid_t child = fork();
    if (child < 0)
        status_fatal(status_fd, "idmap-userns", errno);
    if (child == 0) {
        /* Only async-signal-safe calls here; the parent kills us once it holds the namespace. */
        close(ready[0]);
        char ok = unshare(CLONE_NEWUSER) == 0 ? '1' : '0';
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char ok = '0';
    ssize_t r;
    do
        r = read(ready[0], &ok, 1);
    while (r < 0 && errno == EINTR);
    close(ready[0]);

    int result = -1, err = EPERM;
    if (r == 1 && ok == '1') {
        char path[64], map[64];
        snprintf(map, sizeof map, "%u %u 1\n", (unsigned)owner_uid, (unsigned)run_uid);
        snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
        if (write_text(path, map) == 0) {
            snprintf(map, sizeof map, "%u %u 1\n", (unsigned)owner_gid, (unsigned)run_gid);
            snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
            if (write_text(path, map) == 0) {
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int)child);
                result = open(path, O_RDONLY | O_CLOEXEC);
            }
        }
        if (result < 0)
            err = errno;
    }
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
    }
    if (result < 0)
        status_fatal(status_fd, "idmap-userns", err);
    return result;
}

/* A private mount namespace with a fresh root-owned tmpfs at DIR; returns a descriptor to it. */
static int private_stage(int status_fd, const char *dir)
{
    if (unshare(CLONE_NEWNS) < 0)
        status_fatal(status_fd, "stage-unshare", errno);
    /* Nothing done from here on may propagate back to the host's mounts. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        status_fatal(status_fd, "stage-private", errno);
    if (mount("cordon-stage", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=1024") < 0)
        status_fatal(status_fd, "stage-tmpfs", errno);
    int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        status_fatal(status_fd, "stage-open", errno);
    return fd;
}

/* "F <what>-<i> <err>": the index tells the supervisor which grant failed. */
static _Noreturn void fail_at(int status_fd, const char *what, size_t i, int err)
{
    char step[48];
    snprintf(step, sizeof step, "%s-%u", what, (unsigned)(i % 100000));
    status_fatal(status_fd, step, err);
}

/* An overlay at STAGE/m<i>: the idmapped clone below, the budgeted tmpfs's upper/ and work/ above. */
static void mount_overlay(int status_fd, const char *stage_dir, int stage, int upper_mount, size_t i)
{
    char name[24], options[3 * PATH_MAX_STAGE + 64], merged[PATH_MAX_STAGE + 32];
    snprintf(name, sizeof name, "u%zu", i);
    if (mkdirat(stage, name, 0755) < 0)
        fail_at(status_fd, "budget-mountpoint", i, errno);
    if (sys_move_mount(upper_mount, "", stage, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        fail_at(status_fd, "budget-attach", i, errno);
    snprintf(name, sizeof name, "m%zu", i);
    if (mkdirat(stage, name, 0755) < 0)
        fail_at(status_fd, "budget-mountpoint", i, errno);
    /* No redirects, metacopy or index: the upper layer holds whole files, so the supervisor can copy it back
     * by reading it alone. */
    snprintf(options, sizeof options,
             "lowerdir=%s/%zu,upperdir=%s/u%zu/upper,workdir=%s/u%zu/work,redirect_dir=off,metacopy=off,index=off,xino=off",
             stage_dir, i, stage_dir, i, stage_dir, i);
    snprintf(merged, sizeof merged, "%s/m%zu", stage_dir, i);
    if (mount("overlay", merged, "overlay", MS_NOSUID | MS_NODEV, options) < 0)
        fail_at(status_fd, "budget-overlay", i, errno);
}

void stage_idmapped(int status_fd, const char *stage_dir, const int *source_fds, const int *upper_fds, size_t n, uid_t run_uid, gid_t run_gid)
{
    if (strlen(stage_dir) > PATH_MAX_STAGE)
        status_fatal(status_fd, "arg-stage", ENAMETOOLONG);
    if (n == 0)
        return;
    /* Clone and idmap every source while still in the host's mount namespace (a clone must come
     * from the caller's namespace), then attach the detached trees inside the private one. */
    int trees[LAUNCH_MAX_PATHS];
    bool is_dir[LAUNCH_MAX_PATHS];
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (fstat(source_fds[i], &st) < 0)
            fail_at(status_fd, "idmap-source", i, errno);
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
            fail_at(status_fd, "idmap-source", i, EINVAL);
        is_dir[i] = S_ISDIR(st.st_mode);

        int userns = idmap_userns(status_fd, st.st_uid, st.st_gid, run_uid, run_gid);
        /* Not recursive: mounts beneath the source are not part of the grant (and may not support idmapping). */
        trees[i] = sys_open_tree(source_fds[i], "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (trees[i] < 0)
            fail_at(status_fd, "idmap-clone", i, errno);
        struct mount_attr attr = {
            .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
            .userns_fd = (uint64_t)userns,
        };
        /* EINVAL here: the filesystem cannot be idmapped; the supervisor names it. */
        if (sys_mount_setattr(trees[i], "", AT_EMPTY_PATH, &attr) < 0)
            fail_at(status_fd, "idmap", i, errno);
        close(userns);
        if (close(source_fds[i]) < 0)
            fail_at(status_fd, "idmap-source", i, errno);
    }

    int stage = private_stage(status_fd, stage_dir);
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "%zu", i);
        int made = is_dir[i] ? mkdirat(stage, name, 0755)
                             : close(openat(stage, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
        if (made < 0)
            fail_at(status_fd, "idmap-mountpoint", i, errno);
        if (sys_move_mount(trees[i], "", stage, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            fail_at(status_fd, "idmap-attach", i, errno);
        close(trees[i]);
        if (upper_fds[i] >= 0) {
            mount_overlay(status_fd, stage_dir, stage, upper_fds[i], i);
            close(upper_fds[i]);
        }
    }
    /* The stage is complete: nothing more may be created in it. */
    if (mount(NULL, stage_dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        status_fatal(status_fd, "stage-seal", errno);
    close(stage);
}
