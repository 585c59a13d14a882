/* res-fork-bomb: fork until the kernel says no, then keep every process alive. Bounded at 1024 tasks so a
 * missing process limit cannot hurt the host running the suite; reaching the bound is reported as UNBOUNDED. */
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
    /* Stay until the harness's wall clock ends the run: the verdict must come from the host. */
    for (;;) pause();
}
