/* res-memory-bomb: allocate and touch 16 MiB chunks forever. Contained means the OOM killer fires inside
 * the run's own memory cgroup (or, without one, malloc fails at RLIMIT_AS). */
#include "probe.h"

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const size_t chunk = 16u << 20;
    size_t total = 0;
    for (;;) {
        char *p = malloc(chunk);
        if (!p) { token("malloc", "ENOMEM", "after %zu MiB", total >> 20); break; }
        memset(p, 0x5a, chunk);
        total += chunk;
        if (total >= (8ull << 30)) { token("malloc", "UNBOUNDED", "%zu MiB", total >> 20); break; }
    }
    return probe_end();
}
