/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * The command of a warm (pre-built) sandbox: init's child blocks here, with Landlock applied,
 * until the supervisor sends what to run. One SOCK_SEQPACKET message on --command-fd:
 *
 *   one byte 'C', and SCM_RIGHTS [spec, stdin, stdout, stderr, inherited...]
 *
 * where spec is a sealed memfd holding NUL-terminated fields:
 *
 *   "cordon-command/1" CWD ARGC ARGV... ENVC ENV... NFD GUEST-FD...
 *
 * ARGC >= 1, ENVC and NFD decimal; the k-th GUEST-FD (3..254) is where the k-th inherited
 * descriptor goes. Anything else fails closed (F command-* EPROTO).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch.h"

#define COMMAND_MAX_BYTES (8u << 20)    /* argv and env together: above the kernel's ARG_MAX default */
#define COMMAND_MAX_FDS (4 + 252)        /* spec and stdio, then guest fds 3..254 at most */

static char *next_field(char **cursor, const char *end)
{
    char *start = *cursor;
    if (start >= end)
        return NULL;
    char *nul = memchr(start, '\0', (size_t)(end - start));
    if (nul == NULL)
        return NULL;
    *cursor = nul + 1;
    return start;
}

static bool next_count(char **cursor, const char *end, uint64_t max, size_t *out)
{
    uint64_t v;
    const char *field = next_field(cursor, end);
    if (field == NULL || !parse_u64(field, max, &v))
        return false;
    *out = (size_t)v;
    return true;
}

/* NULL-terminated array of n fields. */
static char **next_vector(char **cursor, const char *end, size_t n)
{
    char **v = calloc(n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = next_field(cursor, end);
        if (v[i] == NULL) {
            free(v);
            return NULL;
        }
    }
    return v;
}

void command_receive(int command_fd, int report_fd, struct warm_command *c)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    static union {
        struct cmsghdr header;
        char buf[CMSG_SPACE(COMMAND_MAX_FDS * sizeof(int))];
    } control;
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof control.buf,
    };
    ssize_t n;
    do
        n = recvmsg(command_fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        report_fatal(report_fd, "command-read", errno);
    /* The supervisor closed its end without a command: the member is being torn down. */
    if (n == 0)
        report_fatal(report_fd, "command-none", ENODATA);
    if (close(command_fd) < 0)
        report_fatal(report_fd, "command-close", errno);

    struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
    if (n != 1 || byte != 'C' || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0 || h == NULL ||
        h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS || CMSG_NXTHDR(&msg, h) != NULL)
        report_fatal(report_fd, "command-message", EPROTO);
    size_t n_fds = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    if (n_fds < 4)
        report_fatal(report_fd, "command-message", EPROTO);
    int fds[COMMAND_MAX_FDS];
    memcpy(fds, CMSG_DATA(h), n_fds * sizeof(int));

    struct stat st;
    if (fstat(fds[0], &st) < 0)
        report_fatal(report_fd, "command-spec", errno);
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > COMMAND_MAX_BYTES)
        report_fatal(report_fd, "command-spec", EPROTO);
    size_t size = (size_t)st.st_size;
    char *spec = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fds[0], 0);
    if (spec == MAP_FAILED)
        report_fatal(report_fd, "command-spec", errno);
    if (close(fds[0]) < 0)
        report_fatal(report_fd, "command-spec", errno);

    char *cursor = spec;
    const char *end = spec + size;
    const char *magic = next_field(&cursor, end);
    size_t argc, envc, guest_fds;
    if (magic == NULL || strcmp(magic, "cordon-command/1") != 0)
        report_fatal(report_fd, "command-spec", EPROTO);
    c->cwd = next_field(&cursor, end);
    if (c->cwd == NULL || c->cwd[0] != '/' || !next_count(&cursor, end, size, &argc) || argc == 0 ||
        (c->argv = next_vector(&cursor, end, argc)) == NULL || c->argv[0][0] == '\0' ||
        !next_count(&cursor, end, size, &envc) || (c->envp = next_vector(&cursor, end, envc)) == NULL ||
        !next_count(&cursor, end, 254 - 3 + 1, &guest_fds) || guest_fds != n_fds - 4)
        report_fatal(report_fd, "command-spec", EPROTO);
    for (size_t i = 0; i < envc; i++) {
        if (strchr(c->envp[i], '=') == NULL)
            report_fatal(report_fd, "command-spec", EPROTO);
    }

    /* The guest's stdio now; the received copies close at exec (MSG_CMSG_CLOEXEC). */
    for (int fd = 0; fd <= 2; fd++) {
        if (dup2(fds[1 + fd], fd) < 0)
            report_fatal(report_fd, "command-stdio", errno);
    }
    for (int fd = 1; fd <= 3; fd++) {
        if (close(fds[fd]) < 0)
            report_fatal(report_fd, "command-stdio", errno);
    }

    c->n_fds = 0;
    for (size_t i = 0; i < guest_fds; i++) {
        uint64_t to;
        const char *field = next_field(&cursor, end);
        if (field == NULL || !parse_u64(field, 254, &to) || to < 3)
            report_fatal(report_fd, "command-spec", EPROTO);
        for (size_t k = 0; k < c->n_fds; k++) {
            if (c->fds_to[k] == (int)to)
                report_fatal(report_fd, "command-spec", EPROTO);
        }
        c->fds_from[c->n_fds] = fds[4 + i];
        c->fds_to[c->n_fds++] = (int)to;
    }
    if (cursor != end)
        report_fatal(report_fd, "command-spec", EPROTO);
}
