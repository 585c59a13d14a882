/* net-rare-family: socket families that auto-load kernel modules with a CVE history. The harness diffs
 * the host's /proc/modules. */
#include "probe.h"
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    struct { const char *name; int family, type, protocol; } tries[] = {
        { "af-rds", 21, SOCK_SEQPACKET, 0 }, { "af-tipc", 30, SOCK_RDM, 0 }, { "af-x25", 9, SOCK_SEQPACKET, 0 },
        { "af-can", 29, SOCK_RAW, 1 }, { "af-bluetooth", 31, SOCK_RAW, 0 }, { "af-vsock", 40, SOCK_STREAM, 0 },
        { "af-alg", 38, SOCK_SEQPACKET, 0 }, { "af-key", 15, SOCK_RAW, 2 }, { "af-appletalk", 5, SOCK_DGRAM, 0 },
        { "af-llc", 26, SOCK_DGRAM, 0 }, { "af-xdp", 44, SOCK_RAW, 0 },
        { "inet-dccp", AF_INET, 6 /* SOCK_DCCP */, 33 }, { "inet-sctp", AF_INET, SOCK_STREAM, 132 },
        { "socketpair-inet", -1, 0, 0 },
    };
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        if (tries[i].family == -1) {
            int sv[2];
            long rc = socketpair(AF_INET, SOCK_STREAM, 0, sv);
            step(tries[i].name, rc);
            if (rc == 0) { close(sv[0]); close(sv[1]); }
            continue;
        }
        step_fd(tries[i].name, socket(tries[i].family, tries[i].type, tries[i].protocol));
    }
    return probe_end();
}
