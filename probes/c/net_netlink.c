/* net-netlink: routing, netfilter (nf_tables LPEs), audit and uevent netlink sockets. */
#include "probe.h"
#include <linux/netlink.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    step_fd("netlink-route", socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    step_fd("netlink-netfilter", socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER));
    step_fd("netlink-audit", socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT));
    step_fd("netlink-uevent", socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT));
    step_fd("netlink-sock-diag", socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG));
    return probe_end();
}
