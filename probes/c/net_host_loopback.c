/* net-host-loopback: the harness listens on host 127.0.0.1 and ::1; connect to those and to the usual
 * local services (ssh, http, docker, redis, ollama). The harness checks its listeners saw nothing. */
#include "probe.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void try_connect(int family, const char *ip, int port)
{
    char name[96];
    snprintf(name, sizeof name, "connect-%s-%d", family == AF_INET ? "127.0.0.1" : "[::1]", port);
    int s = socket(family, SOCK_STREAM, 0);
    if (s < 0) { step(name, s); return; }
    int rc;
    if (family == AF_INET) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
        inet_pton(AF_INET, ip, &a.sin_addr);
        rc = connect_within(s, &a, sizeof a);
    } else {
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port) };
        inet_pton(AF_INET6, ip, &a.sin6_addr);
        rc = connect_within(s, &a, sizeof a);
    }
    step(name, rc);
    if (rc == 0) (void)!write(s, "cordon-probe\n", 13);
    close(s);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int tcp4 = atoi(env_or("CORDON_CANARY_TCP4", "0"));
    int tcp6 = atoi(env_or("CORDON_CANARY_TCP6", "0"));
    if (tcp4) try_connect(AF_INET, "127.0.0.1", tcp4);
    if (tcp6) try_connect(AF_INET6, "::1", tcp6);
    int common[] = { 22, 80, 2375, 6379, 11434 };
    for (size_t i = 0; i < sizeof common / sizeof *common; i++) try_connect(AF_INET, "127.0.0.1", common[i]);
    return probe_end();
}
