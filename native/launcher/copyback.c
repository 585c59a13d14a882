/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * copyback: applies a budgeted grant's upper layer to the host directory, after the run.
 *
 *   cordon-launch copyback --status-fd N --upper-fd U --target-fd T --owner UID:GID
 *
 * With a disk budget, the guest's writes to a writable grant go to an overlay's upper layer on a
 * tmpfs of the budget's size (see stage.c). When the run is over, every process of it gone, the
 * supervisor runs this with the tmpfs (U, a detached mount only it can reach) and the grant's
 * directory (T, opened without following links before the run). Every step is relative to a
 * directory descriptor and never follows a link: other runs may share the target directory and
 * may have planted links in it. New files get OWNER (the directory's owner); replaced files keep
 * their owner; set-id bits are dropped. Whiteouts delete, opaque directories replace. FIFOs,
 * sockets and device nodes are not copied (counted). Reports "C <copied> <skipped>" on success.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "launch.h"

/* Deeper trees are refused: each level holds descriptors, and PATH_MAX allows ~2000 levels anyway. */
#define COPYBACK_MAX_DEPTH 128

struct copyback {
    int status_fd;
    uid_t uid;
    gid_t gid;
    unsigned long copied;
    unsigned long skipped;
};

static _Noreturn void fail(const struct copyback *c, const char *step, int err)
{
    status_fatal(c->status_fd, step, err);
}

/* Removes NAME under DIR, a whole tree if it is a directory, never following a link. */
static void remove_tree(const struct copyback *c, int dir, const char *name, int depth)
{
    if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
        return;
    if (errno != EISDIR && errno != EPERM)
        fail(c, "copyback-remove", errno);
    if (depth > COPYBACK_MAX_DEPTH)
        fail(c, "copyback-depth", ELOOP);
    int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
        fail(c, "copyback-remove", errno);
    DIR *d = fdopendir(sub);
    if (d == NULL)
        fail(c, "copyback-remove", errno);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        remove_tree(c, sub, e->d_name, depth + 1);
    }
    closedir(d);
    if (unlinkat(dir, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        fail(c, "copyback-remove", errno);
}

static void copy_file(struct copyback *c, int src_dir, int dst_dir, const char *name, const struct stat *st)
{
    int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        fail(c, "copyback-read", errno);
    struct stat old;
    bool replacing = fstatat(dst_dir, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
    if (replacing && S_ISDIR(old.st_mode)) {
        remove_tree(c, dst_dir, name, 0);
        replacing = false;
    }
    char temp[64];
    snprintf(temp, sizeof temp, ".cordon-copyback-%d", (int)getpid());
    int out = openat(dst_dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
        fail(c, "copyback-create", errno);
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail(c, "copyback-read", errno);
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                fail(c, "copyback-write", errno);
            off += w;
        }
    }
    uid_t uid = replacing && S_ISREG(old.st_mode) ? old.st_uid : c->uid;
    gid_t gid = replacing && S_ISREG(old.st_mode) ? old.st_gid : c->gid;
    if (fchown(out, uid, gid) < 0 || fchmod(out, st->st_mode & 0777) < 0)
        fail(c, "copyback-owner", errno);
    if (close(out) < 0)
        fail(c, "copyback-write", errno);
    close(in);
    if (renameat(dst_dir, temp, dst_dir, name) < 0)
        fail(c, "copyback-rename", errno);
    c->copied++;
}

static void copy_link(struct copyback *c, int src_dir, int dst_dir, const char *name)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(src_dir, name, target, sizeof target - 1);
    if (n < 0)
        fail(c, "copyback-read", errno);
    target[n] = '\0';
    remove_tree(c, dst_dir, name, 0);
    if (symlinkat(target, dst_dir, name) < 0)
        fail(c, "copyback-create", errno);
    if (fchownat(dst_dir, name, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
        fail(c, "copyback-owner", errno);
    c->copied++;
}

static void copy_dir(struct copyback *c, int src, int dst, int depth)
{
    if (depth > COPYBACK_MAX_DEPTH)
        fail(c, "copyback-depth", ELOOP);
    int walk = dup(src);
    if (walk < 0)
        fail(c, "copyback-read", errno);
    DIR *d = fdopendir(walk);
    if (d == NULL)
        fail(c, "copyback-read", errno);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            fail(c, "copyback-read", errno);
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
            remove_tree(c, dst, name, 0); /* a whiteout: the guest deleted it */
            c->copied++;
        } else if (S_ISDIR(st.st_mode)) {
            int sub_src = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub_src < 0)
                fail(c, "copyback-read", errno);
            char opaque[2] = { 0 };
            bool is_opaque = fgetxattr(sub_src, "trusted.overlay.opaque", opaque, 1) == 1 && opaque[0] == 'y';
            struct stat old;
            bool exists = fstatat(dst, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
            if (exists && (!S_ISDIR(old.st_mode) || is_opaque)) {
                remove_tree(c, dst, name, 0);
                exists = false;
            }
            if (!exists) {
                if (mkdirat(dst, name, 0700) < 0)
                    fail(c, "copyback-create", errno);
                if (fchownat(dst, name, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
                    fail(c, "copyback-owner", errno);
            }
            int sub_dst = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub_dst < 0)
                fail(c, "copyback-open", errno);
            copy_dir(c, sub_src, sub_dst, depth + 1);
            if (fchmod(sub_dst, st.st_mode & 0777) < 0)
                fail(c, "copyback-owner", errno);
            close(sub_dst);
            close(sub_src);
            c->copied++;
        } else if (S_ISREG(st.st_mode)) {
            copy_file(c, src, dst, name, &st);
        } else if (S_ISLNK(st.st_mode)) {
            copy_link(c, src, dst, name);
        } else {
            c->skipped++;
        }
    }
    closedir(d);
}

int copyback_main(int argc, char **argv)
{
    struct copyback c = { .status_fd = -1 };
    int upper_fd = -1, target_fd = -1;
    bool has_owner = false;
    const char *bad = NULL;
    for (int i = 0; i < argc && bad == NULL; i++) {
        if (strcmp(argv[i], "--status-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &c.status_fd))
                bad = "arg-status-fd";
        } else if (strcmp(argv[i], "--upper-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &upper_fd))
                bad = "arg-upper-fd";
        } else if (strcmp(argv[i], "--target-fd") == 0) {
            if (!parse_fd(option_value(argc, argv, &i), &target_fd))
                bad = "arg-target-fd";
        } else if (strcmp(argv[i], "--owner") == 0) {
            if (!parse_id_pair(option_value(argc, argv, &i), &c.uid, &c.gid))
                bad = "arg-owner";
            has_owner = true;
        } else {
            bad = "arg-unknown";
        }
    }
    status_fd_require(c.status_fd);
    if (bad == NULL && (upper_fd < 0 || target_fd < 0 || !has_owner))
        bad = "arg-missing";
    if (bad != NULL)
        status_fatal(c.status_fd, bad, EINVAL);

    int upper = openat(upper_fd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (upper < 0)
        fail(&c, "copyback-open", errno);
    /* The target was opened O_PATH; reopen it for reading through its descriptor, not its path. */
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", target_fd);
    int target = open(self, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (target < 0)
        fail(&c, "copyback-open", errno);
    copy_dir(&c, upper, target, 0);
    if (status_write(c.status_fd, "C %lu %lu\n", c.copied, c.skipped) < 0)
        return LAUNCH_EXIT_FAILED;
    return 0;
}
