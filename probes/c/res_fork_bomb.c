/* res-fork-bomb: fork until the kernel says no, every child staying alive. Bounded at 1024 tasks so a missing
 * process limit cannot hurt the host running the suite; reaching the bound is reported as UNBOUNDED. Once refused,
 * the bomb gives up (exit 3) with its children still alive: whether a limit fired is the host's to say (pids.events). */
#include "probe.h"
#include <signal.h>

#define SAFETY_BOUND 1024

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int made = 0;
    for (; made < SAFETY_BOUND; made++) {
        pid_t pid = fork();
        if (pid == 0) { for (;;) pause(); }
        if (pid < 0) break;
    }
    if (made < SAFETY_BOUND) token("fork", errname(errno), "after %d children", made);
    else token("fork", "UNBOUNDED", "%d children and still forking", made);
    usleep(100 * 1000);
    return 3;
}
