/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * Test helper playing the C# supervisor's seccomp part:
 *   notify-supervisor FD -- COMMAND ARGS...
 * Runs COMMAND with one end of a unix socketpair as fd FD (what cordon-launch init gets as
 * --notify-fd), receives the seccomp listener sent over it with SCM_RIGHTS, answers every
 * notification with -EPERM, and exits with COMMAND's exit status. Prints to stderr
 * "notify-supervisor: listener=yes|no notifications=N syscalls=NR,...".
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "notify-supervisor: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Returns the received fd, or -1 on EOF (no listener will come). */
static int receive_fd(int sock)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr header;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof control.buf,
    };
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        die("recvmsg");
    if (n == 0)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int))) {
        fprintf(stderr, "notify-supervisor: message without exactly one fd\n");
        exit(1);
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: notify-supervisor FD -- COMMAND ARGS...\n");
        return 2;
    }
    int child_fd = atoi(argv[1]);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        die("socketpair");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (dup2(sv[1], child_fd) < 0) /* clears CLOEXEC on the child's copy */
            die("dup2");
        execvp(argv[3], &argv[3]);
        die("execvp");
    }
    close(sv[1]);

    /* The socket may stay open in processes that never send (bwrap's outer process keeps its
     * copy), so wait for either a message or the command's exit. */
    int listener = -1;
    int status = 0;
    bool exited = false;
    for (;;) {
        struct pollfd p = { .fd = sv[0], .events = POLLIN };
        int r = poll(&p, 1, 50);
        if (r < 0 && errno != EINTR)
            die("poll socket");
        if (r > 0) {
            listener = receive_fd(sv[0]);
            break;
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w < 0)
            die("waitpid");
        if (w == pid) {
            exited = true;
            break;
        }
    }

    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (req == NULL || resp == NULL)
        die("calloc");

    int handled = 0;
    char seen[256] = "";
    while (listener >= 0 && !exited) {
        struct pollfd p = { .fd = listener, .events = POLLIN };
        int r = poll(&p, 1, 50);
        if (r < 0 && errno != EINTR)
            die("poll listener");
        if (r > 0 && (p.revents & POLLIN)) {
            memset(req, 0, sizes.seccomp_notif);
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                if (errno == ENOENT || errno == EINTR)
                    continue; /* the caller died or was interrupted */
                die("SECCOMP_IOCTL_NOTIF_RECV");
            }
            memset(resp, 0, sizes.seccomp_notif_resp);
            resp->id = req->id;
            resp->error = -EPERM;
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
                die("SECCOMP_IOCTL_NOTIF_SEND");
            handled++;
            size_t len = strlen(seen);
            snprintf(seen + len, sizeof seen - len, "%s%d", len ? "," : "", req->data.nr);
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w < 0)
            die("waitpid");
        if (w == pid)
            exited = true;
    }
    if (!exited && waitpid(pid, &status, 0) < 0)
        die("waitpid");

    fprintf(stderr, "notify-supervisor: listener=%s notifications=%d syscalls=%s\n",
            listener >= 0 ? "yes" : "no", handled, seen);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
