/* net-raw-packet: raw IP and packet sockets (CVE-2017-7308, CVE-2020-14386 were reachable through these). */
#include "probe.h"
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    step_fd("raw-icmp", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    step_fd("raw-ipv6-icmp", socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6));
    step_fd("packet-all", socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
    step_fd("packet-dgram", socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP)));
    step_fd("ping-dgram", socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    return probe_end();
}
