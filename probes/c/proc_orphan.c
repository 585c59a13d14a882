/* proc-orphan-daemon: leave daemons behind (double fork, setsid, signals ignored, a subreaper variant);
 * the main process exits 0 at once. The harness checks nothing of the run is left on the host. */
#include "probe.h"
#include <signal.h>
#include <sys/prctl.h>

static void daemonise(const char *marker)
{
    if (fork() != 0) return;
    setsid();
    if (fork() != 0) _exit(0);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    execlp("sleep", "sleep", marker, (char *)NULL);
    _exit(1);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    /* The marker is a duration sleep(1) accepts, so the harness can find the process by its command line. */
    const char *marker = env_or("CORDON_ORPHAN_MARKER", "100000.1");
    daemonise(marker);
    if (fork() == 0) {
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        daemonise(marker);
        signal(SIGTERM, SIG_IGN);
        for (;;) pause();
    }
    token("daemons", "STARTED", NULL);
    return probe_end();
}
