/* out-flood: write 1 MiB blocks without newlines to stdout and stderr. MODE kill: forever; MODE bounded:
 * 64 MiB to each stream, then exit 0. */
#include "probe.h"

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int bounded = argc > 2 && !strcmp(argv[2], "bounded");
    static char buf[1 << 20];
    memset(buf, 'A', sizeof buf);
    for (int i = 0; !bounded || i < 64; i++) {
        if (write_all(1, buf, sizeof buf) < 0 || write_all(2, buf, sizeof buf) < 0) break;
    }
    printf("\n");
    return probe_end();
}
