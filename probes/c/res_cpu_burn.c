/* res-cpu-burn: 16 processes x 4 threads spinning. The run's CPU time, measured by its cgroup, must stop at
 * the CPU limit. */
#include "probe.h"
#include <pthread.h>

static void *spin(void *arg) { (void)arg; for (volatile unsigned long i = 0;; i++) { } return NULL; }

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int procs = 0, parent = 1;
    for (int p = 0; p < 15; p++) {
        pid_t pid = fork();
        if (pid == 0) { parent = 0; break; }
        if (pid > 0) procs++;
    }
    for (int t = 0; t < 3; t++) { pthread_t th; pthread_create(&th, NULL, spin, NULL); }
    if (parent) token("spinners", "STARTED", "%d processes", procs + 1);
    spin(NULL);
    return 0;
}
