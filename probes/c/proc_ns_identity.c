/* proc-ns-identity: print our namespace identities; the harness compares them with its own and with what it
 * saw of this process from the host, so the probe stays alive a moment after reporting to be seen. */
#include "probe.h"
#include <time.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *kinds[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char path[64], target[128];
        snprintf(path, sizeof path, "/proc/self/ns/%s", kinds[i]);
        ssize_t n = readlink(path, target, sizeof target - 1);
        char name[32];
        snprintf(name, sizeof name, "ns-%s", kinds[i]);
        if (n < 0) { step(name, -1); continue; }
        target[n] = 0;
        token(name, "VALUE", "%s", target);
    }
    int rc = probe_end();
    nanosleep(&(struct timespec){ .tv_nsec = 400 * 1000 * 1000 }, NULL);
    return rc;
}
