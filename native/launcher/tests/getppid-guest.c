/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/* Test guest: calls getppid(2) directly and prints what the kernel (or the supervisor, through
 * the seccomp listener) answered. Exit 0 only for -1/EPERM, the answer the test supervisor
 * gives. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    errno = 0;
    long r = syscall(SYS_getppid);
    int err = errno;
    printf("getppid=%ld errno=%s\n", r, r < 0 ? strerrorname_np(err) : "none");
    return (r == -1 && err == EPERM) ? 0 : 1;
}
