/* fs-host-paths: well-known host secrets and sockets must simply not exist inside. */
#include "probe.h"
#include <dirent.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *paths[] = { "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh", "/etc/ssl/private", "/home", "/root", "/run", "/var",
        "/srv", "/mnt", "/boot", "/sys", "/var/run/docker.sock", "/run/docker.sock", "/run/containerd",
        "/run/dbus/system_bus_socket", "/tmp/.X11-unix", "/var/lib", "/opt/cordon-probes/../../home" };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        struct stat st;
        char name[128];
        snprintf(name, sizeof name, "stat%s", paths[i]);
        for (char *c = name; *c; c++) if (*c == '/') *c = '-';
        step(name, stat(paths[i], &st));
    }
    /* /etc holds only what Cordon generates or binds (no accounts of the host, no keys). */
    const char *allowed[] = { ".", "..", "passwd", "group", "hosts", "nsswitch.conf", "hostname", "gitconfig", "ld.so.cache",
        "localtime", "alternatives", "ImageMagick-6", "ImageMagick-7", "ghostscript", "services", "protocols", "mime.types",
        "ssl", "ca-certificates.conf", "fonts" };
    DIR *etc = opendir("/etc");
    int extra = 0;
    struct dirent *e;
    while (etc && (e = readdir(etc))) {
        int ok = 0;
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) if (!strcmp(e->d_name, allowed[i])) ok = 1;
        if (!ok) { extra++; printf("unexpected /etc/%s\n", e->d_name); }
    }
    if (etc) closedir(etc);
    token("etc-entries", extra ? "EXTRA" : "MINIMAL", "%d unexpected", extra);
    return probe_end();
}
