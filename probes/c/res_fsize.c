/* res-rlimit-fsize: raise the hard limits, then write one file past RLIMIT_FSIZE. Expected: the raise is
 * refused and the kernel kills us with SIGXFSZ. */
#include "probe.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
    step("raise-fsize", setrlimit(RLIMIT_FSIZE, &unlimited));
    step("raise-nofile", setrlimit(RLIMIT_NOFILE, &unlimited));
    step("raise-cpu", setrlimit(RLIMIT_CPU, &unlimited));
    int fd = open("/tmp/cordon-probe-big", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    static char buf[1 << 16];
    for (long total = 0; fd >= 0 && total < (64L << 20); total += (long)sizeof buf) {
        if (write(fd, buf, sizeof buf) < 0) { token("write", errname(errno), "at %ld bytes", total); break; }
    }
    token("write", "UNBOUNDED", "64 MiB written");
    return probe_end();
}
