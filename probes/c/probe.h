/* Shared helpers of Cordon's C probes: the line protocol the selftest harness reads.
 *
 *   @cordon-probe begin NONCE          first line: the probe started
 *   @cordon-probe step NAME TOKEN ...  one attempted action; TOKEN is OK (it worked), an errno name
 *                                      (EPERM) or a probe-specific word (NONE, FOUND, ZERO...)
 *   @cordon-probe end NONCE            last line: the probe reached the end of its checks
 *
 * The harness never takes a probe's word for containment: steps only say what the guest saw, and the
 * verdict also needs the host-side facts (wait status, cgroup counters, violations, canaries).
 * The canary coordinates come in the environment (CORDON_CANARY_*); the nonce is argv[1]. */
#ifndef CORDON_PROBE_H
#define CORDON_PROBE_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *probe_nonce = "";

static __attribute__((unused)) void probe_begin(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    probe_nonce = argc > 1 ? argv[1] : "";
    printf("@cordon-probe begin %s\n", probe_nonce);
}

static __attribute__((unused)) int probe_end(void)
{
    printf("@cordon-probe end %s\n", probe_nonce);
    fflush(stdout);
    return 0;
}

static __attribute__((unused)) const char *errname(int e)
{
    const char *n = strerrorname_np(e);
    return n ? n : "EUNKNOWN";
}

/* A token with optional detail text (printf format). */
__attribute__((format(printf, 3, 4)))
static __attribute__((unused)) void token(const char *name, const char *tok, const char *fmt, ...)
{
    printf("@cordon-probe step %s %s", name, tok);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        putchar(' ');
        vprintf(fmt, ap);
        va_end(ap);
    }
    putchar('\n');
    fflush(stdout);
}

/* Reports a call that returns a negative value with errno set on failure; passes the value through. */
static __attribute__((unused)) long step(const char *name, long rc)
{
    int e = errno;
    token(name, rc < 0 ? errname(e) : "OK", NULL);
    errno = e;
    return rc;
}

/* Like step, but closes a descriptor the call returned. */
static __attribute__((unused)) void step_fd(const char *name, long fd)
{
    step(name, fd);
    if (fd >= 0) close((int)fd);
}

/* connect(2) with a 2 s limit, so a host that silently drops packets cannot stall the suite: 0, or -1 with
 * errno (ETIMEDOUT when nothing answered). */
static __attribute__((unused)) int connect_within(int fd, const void *address, unsigned int length)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, (const struct sockaddr *)address, length) == 0) return 0;
    if (errno != EINPROGRESS) return -1;
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    if (poll(&p, 1, 2000) != 1) { errno = ETIMEDOUT; return -1; }
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error) { errno = error; return -1; }
    return 0;
}

/* Writes all of buf, as a careful program does: POSIX lets a pipe write return short (gVisor does so past 64 KiB),
 * and a probe that dropped the rest would be judged on bytes it never sent. -1 on the first error. */
static __attribute__((unused)) long write_all(int fd, const void *buf, size_t length)
{
    const char *p = buf;
    size_t done = 0;
    while (done < length) {
        ssize_t n = write(fd, p + done, length - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return (long)done;
}

static __attribute__((unused)) const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

#endif
