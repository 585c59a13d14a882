/* res-fd-exhaust: open descriptors of every kind until refused, in the main process and in 8 children. */
#include "probe.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

static int exhaust(void)
{
    int n = 0, kind = 0;
    for (;;) {
        int fd, p[2];
        switch (kind++ % 4) {
        case 0: fd = open("/dev/null", O_RDONLY); break;
        case 1: fd = pipe(p) == 0 ? p[0] : -1; if (fd >= 0) n++; break;
        case 2: fd = eventfd(0, 0); break;
        default: fd = epoll_create1(0); break;
        }
        if (fd < 0) return errno == EMFILE ? n : -errno;
        n++;
        if (n > 1 << 20) return n;
    }
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int n = exhaust();
    token("main", n >= 0 ? "EMFILE" : errname(-n), "%d descriptors", n);
    int most = n;
    for (int c = 0; c < 8; c++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* Start from a clean table: inherited descriptors would hide the per-process limit. */
            long max = sysconf(_SC_OPEN_MAX);
            for (int fd = 3; fd < max; fd++) close(fd);
            int m = exhaust();
            _exit(m >= 0 && m < 255 ? m : 255);
        }
    }
    int status, over = 0;
    while (wait(&status) > 0) if (WIFEXITED(status) && WEXITSTATUS(status) == 255) over++;
    token("children", over ? "OVER" : "EMFILE", "8 children, main had %d", most);
    return probe_end();
}
