/* out-stderr-deadlock: fill the stderr pipe far past its 64 KiB buffer before writing stdout, and read stdin
 * to the end. A supervisor that reads the streams one after the other deadlocks here. */
#include "probe.h"

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    static char buf[1 << 16];
    memset(buf, 'e', sizeof buf);
    for (int i = 0; i < 16; i++) if (write_all(2, buf, sizeof buf) < 0) break;
    char in[256];
    ssize_t n = read(0, in, sizeof in);
    token("stdin", n == 0 ? "EOF" : n < 0 ? errname(errno) : "DATA", NULL);
    memset(buf, 'o', sizeof buf);
    for (int i = 0; i < 4; i++) if (write_all(1, buf, sizeof buf) < 0) break;
    printf("\n");
    token("after-stderr", "WROTE", "1 MiB stderr then 256 KiB stdout");
    return probe_end();
}
