/* control-c: the positive control for compiled probes. A trivial program must run and exit 0, so a broken
 * sandbox cannot pass the suite by failing everything. */
#include "probe.h"

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    token("hello", "OK", "pid %d uid %d", (int)getpid(), (int)getuid());
    return probe_end();
}
