/* net-allowlist: under a network allowlist, reach what it does not allow: the harness's host listeners, the
 * internet, a name it does not name, UDP, and a listening socket. The supervisor decides every one of them. */
/* probe-link: dynamic (getaddrinfo needs glibc's NSS modules at run time) */
#include "probe.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void tcp(const char *name, int family, const char *ip, int port)
{
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

static void resolve(const char *name, const char *host)
{
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, "443", NULL, &res);
    token(name, rc == 0 ? "OK" : "FAILED", "%s", rc == 0 ? "resolved" : gai_strerror(rc));
    if (res) freeaddrinfo(res);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int tcp4 = atoi(env_or("CORDON_CANARY_TCP4", "0"));
    int tcp6 = atoi(env_or("CORDON_CANARY_TCP6", "0"));
    if (tcp4) tcp("connect-canary-127.0.0.1", AF_INET, "127.0.0.1", tcp4);
    if (tcp6) tcp("connect-canary-[::1]", AF_INET6, "::1", tcp6);
    tcp("connect-1.1.1.1-443", AF_INET, "1.1.1.1", 443);
    tcp("connect-2606-4700--1111-443", AF_INET6, "2606:4700::1111", 443);
    /* Allowed, and nothing listens there on the host: the host's own refusal comes back. */
    tcp("connect-allowed-127.0.0.1-1", AF_INET, "127.0.0.1", 1);
    resolve("getaddrinfo-example.com", "example.com");
    resolve("getaddrinfo-localhost.localdomain", "localhost.localdomain");

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dns = { .sin_family = AF_INET, .sin_port = htons(53) };
    inet_pton(AF_INET, "8.8.8.8", &dns.sin_addr);
    step("udp-sendto-8.8.8.8-53", sendto(u, "x", 1, 0, (struct sockaddr *)&dns, sizeof dns));
    step("connect-udp-8.8.8.8-53", connect(u, (struct sockaddr *)&dns, sizeof dns));
    close(u);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = { .sin_family = AF_INET };
    step("bind-0.0.0.0", bind(l, (struct sockaddr *)&any, sizeof any));
    step("listen-unbound", listen(l, 1));
    close(l);
    return probe_end();
}
