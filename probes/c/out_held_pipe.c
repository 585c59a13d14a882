/* out-held-pipe: the main process exits, a daemonised grandchild keeps stdout and stderr open and sleeps.
 * The run must still end when the main process does, not when the pipe closes. */
#include "probe.h"
#include <signal.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            signal(SIGHUP, SIG_IGN);
            signal(SIGTERM, SIG_IGN);
            for (;;) { sleep(1); (void)!write(2, ".", 1); }
        }
        _exit(0);
    }
    token("holder", "STARTED", NULL);
    return probe_end();
}
