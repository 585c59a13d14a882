/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * Landlock (Documentation/userspace-api/landlock.rst), through raw syscalls.
 *
 * The ABI is defined here rather than taken from <linux/landlock.h>: Debian 12's header knows
 * only ABI 1-2 (no TRUNCATE, IOCTL_DEV, network or scope fields), while the kernels we run on
 * know more. Every value below is fixed kernel ABI.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launch.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

/* ABI 1 */
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_ABI1_ALL ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
/* ABI 2 */
#define LL_FS_REFER (1ULL << 13)
/* ABI 3 */
#define LL_FS_TRUNCATE (1ULL << 14)
/* ABI 5 */
#define LL_FS_IOCTL_DEV (1ULL << 15)
/* ABI 4 */
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
/* ABI 6 */
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* The rights that apply to a non-directory; the kernel rejects a rule on a file with others. */
#define LL_FS_FILE_RIGHTS \
    (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define LL_FS_READ_ONLY (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

static uint64_t fs_rights_for_abi(long abi)
{
    uint64_t rights = LL_FS_ABI1_ALL;
    if (abi >= 2)
        rights |= LL_FS_REFER;
    if (abi >= 3)
        rights |= LL_FS_TRUNCATE;
    if (abi >= 5)
        rights |= LL_FS_IOCTL_DEV;
    return rights;
}

static void add_path_rule(int ruleset, const char *path, uint64_t wanted, int report_fd)
{
    /* A missing path fails the run: silently dropping a rule could change what the policy
     * means (and a typo in a read-write path is a policy bug worth hearing about). */
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        report_fatal(report_fd, "landlock-path", errno);
    struct stat st;
    if (fstat(fd, &st) < 0)
        report_fatal(report_fd, "landlock-path", errno);

    struct ll_path_beneath_attr rule = {
        .allowed_access = S_ISDIR(st.st_mode) ? wanted : (wanted & LL_FS_FILE_RIGHTS),
        .parent_fd = fd,
    };
    if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) < 0)
        report_fatal(report_fd, "landlock-add-rule", errno);
    if (close(fd) < 0)
        report_fatal(report_fd, "landlock-path-close", errno);
}

void landlock_apply(const struct landlock_policy *p, int report_fd)
{
    bool restrict_fs = p->n_ro + p->n_rw + p->n_list > 0;
    /* Landlock is opt-in per option: handling the filesystem with no rules at all would deny
     * even the guest's own execve. */
    if (!restrict_fs && !p->deny_net && !p->deny_connect && !p->require)
        return;

    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    if (abi < 0) {
        /* ENOSYS: not built in; EOPNOTSUPP: built in but not enabled (lsm= boot parameter). */
        if (errno == ENOSYS || errno == EOPNOTSUPP) {
            if (p->require)
                report_fatal(report_fd, "landlock-unavailable", errno);
            report_warn(report_fd, "landlock-unavailable");
            return;
        }
        report_fatal(report_fd, "landlock-abi", errno);
    }

    struct ll_ruleset_attr attr = { 0 };
    uint64_t fs_rights = fs_rights_for_abi(abi);
    if (restrict_fs)
        attr.handled_access_fs = fs_rights; /* deny-by-default: handle every right we know */
    if (p->deny_net || p->deny_connect) {
        /* Handled with no rules: every TCP bind and connect (or only connect) is denied. */
        if (abi >= 4)
            attr.handled_access_net = p->deny_net ? LL_NET_BIND_TCP | LL_NET_CONNECT_TCP : LL_NET_CONNECT_TCP;
        else
            report_warn(report_fd, "landlock-net-unavailable abi=%ld", abi);
    }
    /* Scoping keeps the guest from signalling processes outside its domain (pid 1, the
     * launcher) and from connecting to abstract unix sockets created outside it. */
    if (abi >= 6)
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
    else
        report_warn(report_fd, "landlock-scope-unavailable abi=%ld", abi);

    /* The kernel refuses (ENOMSG) a ruleset that handles nothing; the warnings above said so. */
    if (attr.handled_access_fs == 0 && attr.handled_access_net == 0 && attr.scoped == 0)
        return;

    /* The full struct is fine on older kernels: they accept a larger size if the tail is 0. */
    long ruleset = syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0)
        report_fatal(report_fd, "landlock-create", errno);

    for (size_t i = 0; i < p->n_ro; i++)
        add_path_rule((int)ruleset, p->ro[i], LL_FS_READ_ONLY & fs_rights, report_fd);
    for (size_t i = 0; i < p->n_rw; i++)
        add_path_rule((int)ruleset, p->rw[i], fs_rights, report_fd);
    for (size_t i = 0; i < p->n_list; i++)
        add_path_rule((int)ruleset, p->list[i], LL_FS_READ_DIR & fs_rights, report_fd);

    /* Requires no_new_privs, which pid 1 set before fork. */
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0)
        report_fatal(report_fd, "landlock-restrict", errno);
    if (close((int)ruleset) < 0)
        report_fatal(report_fd, "landlock-close", errno);
}
