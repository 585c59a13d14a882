/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * Test helper: writes a raw seccomp BPF program (struct sock_filter[]) to argv[1], the format
 * cordon-launch init reads from --bpf-fd. Modes:
 *   notify-getppid  everything allowed, getppid -> SECCOMP_RET_USER_NOTIF
 *   kill-getppid    everything allowed, getppid -> kill the process
 * libseccomp is used only here, never in cordon-launch itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen-bpf OUT notify-getppid|kill-getppid\n");
        return 2;
    }
    uint32_t action;
    if (strcmp(argv[2], "notify-getppid") == 0)
        action = SCMP_ACT_NOTIFY;
    else if (strcmp(argv[2], "kill-getppid") == 0)
        action = SCMP_ACT_KILL_PROCESS;
    else {
        fprintf(stderr, "gen-bpf: unknown mode %s\n", argv[2]);
        return 2;
    }

    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        fprintf(stderr, "gen-bpf: seccomp_init failed\n");
        return 1;
    }
    int rc = seccomp_rule_add(ctx, action, SCMP_SYS(getppid), 0);
    if (rc < 0) {
        fprintf(stderr, "gen-bpf: seccomp_rule_add: %s\n", strerror(-rc));
        return 1;
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "gen-bpf: open %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) {
        fprintf(stderr, "gen-bpf: seccomp_export_bpf: %s\n", strerror(-rc));
        return 1;
    }
    if (close(fd) < 0) {
        fprintf(stderr, "gen-bpf: close: %s\n", strerror(errno));
        return 1;
    }
    seccomp_release(ctx);
    return 0;
}
