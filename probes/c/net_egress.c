/* net-egress: reach the internet over TCP, UDP and IPv6, and resolve a name. */
/* probe-link: dynamic (getaddrinfo needs glibc's NSS modules at run time) */
#include "probe.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void tcp4(const char *name, const char *ip, int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { step(name, s); return; }
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    inet_pton(AF_INET, ip, &a.sin_addr);
    step(name, connect_within(s, &a, sizeof a));
    close(s);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    tcp4("tcp-1.1.1.1-53", "1.1.1.1", 53);
    tcp4("tcp-10.0.2.2-80", "10.0.2.2", 80);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (s6 < 0) step("tcp6-2606-4700--1111-443", s6);
    else {
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
        inet_pton(AF_INET6, "2606:4700::1111", &a.sin6_addr);
        step("tcp6-2606-4700--1111-443", connect_within(s6, &a, sizeof a));
        close(s6);
    }
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    if (u < 0) step("udp-8.8.8.8-53", u);
    else {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
        inet_pton(AF_INET, "8.8.8.8", &a.sin_addr);
        step("udp-8.8.8.8-53", sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
        close(u);
    }
    struct addrinfo *res = NULL;
    int rc = getaddrinfo("example.com", "80", NULL, &res);
    token("getaddrinfo", rc == 0 ? "OK" : "FAILED", "%s", rc == 0 ? "resolved" : gai_strerror(rc));
    if (res) freeaddrinfo(res);
    struct stat st;
    step("stat-sys-class-net", stat("/sys/class/net", &st));
    return probe_end();
}
