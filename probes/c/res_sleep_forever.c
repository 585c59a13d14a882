/* res-sleep-forever: ignore every catchable signal and wait forever; only a host-side kill ends this. */
#include "probe.h"
#include <signal.h>
#include <sys/select.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_IGN);
    token("signals", "IGNORED", NULL);
    if (fork() == 0) { for (;;) select(0, NULL, NULL, NULL, NULL); }
    for (;;) pause();
}
