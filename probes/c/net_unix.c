/* net-unix-sockets: the harness listens on an abstract unix socket and a path unix socket on the host.
 * Abstract names are per network namespace (containerd CVE-2020-15257); path sockets need the path. */
#include "probe.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static void try_connect(const char *name, const char *path, int abstract)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0) { step(name, s); return; }
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t n = strlen(path);
    if (n > sizeof a.sun_path - 2) n = sizeof a.sun_path - 2;
    memcpy(a.sun_path + (abstract ? 1 : 0), path, n);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 1 : 0));
    int rc = connect(s, (struct sockaddr *)&a, len);
    step(name, rc);
    if (rc == 0) (void)!write(s, "cordon-probe\n", 13);
    close(s);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *abstract = getenv("CORDON_CANARY_ABSTRACT");
    const char *path = getenv("CORDON_CANARY_UNIX");
    if (abstract) try_connect("abstract-canary", abstract, 1);
    if (path) try_connect("path-canary", path, 0);
    try_connect("abstract-x11", "/tmp/.X11-unix/X0", 1);
    try_connect("path-docker", "/run/docker.sock", 0);
    try_connect("path-dbus", "/run/dbus/system_bus_socket", 0);
    try_connect("path-nscd", "/var/run/nscd/socket", 0);
    try_connect("path-systemd", "/run/systemd/private", 0);
    /* What unix sockets does this network namespace show? Only our own. */
    FILE *f = fopen("/proc/net/unix", "r");
    char line[512];
    int seen = 0;
    while (f && fgets(line, sizeof line, f)) if (strstr(line, "cordon-selftest")) { seen++; fputs(line, stdout); }
    if (f) fclose(f);
    token("proc-net-unix-canary", seen ? "VISIBLE" : "ABSENT", NULL);
    return probe_end();
}
