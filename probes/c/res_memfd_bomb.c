/* res-memfd-bomb: memory that is not in the address space: many memfds, each kept under RLIMIT_FSIZE, grown
 * with write(). RLIMIT_AS does not see it; only the run's memory cgroup charges it. Bounded at 1 GiB. */
/* probe-link: dynamic (linked statically this probe is killed before its cgroup records the OOM kill, which the judge requires; kept as the host links programs) */
#include "probe.h"
#include <signal.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    signal(SIGXFSZ, SIG_IGN);
    static char buf[1 << 20];
    memset(buf, 0x5a, sizeof buf);
    size_t total = 0;
    int files = 0;
    for (;;) {
        int fd = memfd_create("cordon-bomb", 0);
        if (fd < 0) { token("memfd-create", errname(errno), "after %zu MiB in %d memfds", total >> 20, files); break; }
        files++;
        for (int i = 0; i < 8; i++) {
            if (write(fd, buf, sizeof buf) < 0) { token("memfd-write", errname(errno), "after %zu MiB", total >> 20); return probe_end(); }
            total += sizeof buf;
        }
        if (total >= (1ull << 30)) { token("memfd-write", "UNBOUNDED", "%zu MiB in %d memfds", total >> 20, files); break; }
    }
    return probe_end();
}
