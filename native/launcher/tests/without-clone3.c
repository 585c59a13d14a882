/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * Test helper: runs PROGRAM as on a kernel without clone3 (Linux < 5.3): a seccomp filter answers
 * clone3 with ENOSYS, as such a kernel (or a container runtime's profile) does. Everything else is
 * allowed. Usage: without-clone3 PROGRAM ARGS...
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: without-clone3 PROGRAM ARGS...\n");
        return 2;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0 ||
        seccomp_load(ctx) != 0) {
        fprintf(stderr, "without-clone3: cannot install the filter\n");
        return 2;
    }
    seccomp_release(ctx);
    execv(argv[1], &argv[1]);
    perror("without-clone3: execv");
    return 127;
}
