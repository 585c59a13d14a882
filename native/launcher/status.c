/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "launch.h"

int status_write(int fd, const char *fmt, ...)
{
    /* Well under PIPE_BUF (4096), so a pipe write is atomic: the two stages and the supervisor
     * never see half a line. */
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line - 1) {
        errno = EOVERFLOW;
        return -1;
    }
    line[n++] = '\n';

    for (;;) {
        ssize_t w = write(fd, line, (size_t)n);
        if (w == n)
            return 0;
        if (w < 0 && errno == EINTR)
            continue;
        /* A short write (regular file, disk full) leaves a torn record that cannot be fixed. */
        if (w >= 0)
            errno = EIO;
        return -1;
    }
}

_Noreturn void status_fatal(int fd, const char *step, int err)
{
    /* If this write fails too there is no one left to tell; exit code 125 still says "launcher
     * failed". */
    (void)status_write(fd, "F %s %d", step, err);
    _exit(LAUNCH_EXIT_FAILED);
}

void status_fd_require(int fd)
{
    if (fd < 3 || fcntl(fd, F_GETFD) < 0)
        _exit(LAUNCH_EXIT_FAILED);
}

void stdio_require(int status_fd)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0)
            status_fatal(status_fd, "stdio", errno);
    }
}
