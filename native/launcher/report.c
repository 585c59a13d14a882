/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"

/* Only memset/memcpy and write(2): this also runs after the seccomp filter is in place, where the
 * supervisor's filter allows little more than write, close, sendmsg, execve and exit_group. */
static int report_send(int fd, char kind, const char *text, int err)
{
    struct report_record r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    size_t len = strnlen(text, sizeof r.text - 1);
    memcpy(r.text, text, len);
    r.err = err;

    for (;;) {
        ssize_t w = write(fd, &r, sizeof r);
        if (w == (ssize_t)sizeof r)
            return 0;
        if (w < 0 && errno == EINTR)
            continue;
        if (w >= 0)
            errno = EIO; /* cannot happen on a pipe for < PIPE_BUF bytes */
        return -1;
    }
}

void report_warn(int report_fd, const char *fmt, ...)
{
    char text[sizeof ((struct report_record *)0)->text];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text)
        report_fatal(report_fd, "warning-format", EOVERFLOW);
    /* Failing closed: a weakening the supervisor did not hear about must not go ahead. */
    if (report_send(report_fd, 'W', text, 0) < 0)
        _exit(LAUNCH_EXIT_FAILED);
}

_Noreturn void report_fatal(int report_fd, const char *step, int err)
{
    (void)report_send(report_fd, 'F', step, err); /* exit code 125 says it anyway */
    _exit(LAUNCH_EXIT_FAILED);
}

int report_ready(int report_fd)
{
    return report_send(report_fd, 'R', "", 0);
}

int report_exec_error(int report_fd, int err)
{
    return report_send(report_fd, 'E', "", err);
}
