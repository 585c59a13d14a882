/* fs-mknod-dev: make or open raw devices (disks, memory, kernel log, consoles, vsock, fuse, kvm). */
#include "probe.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    step("mknod-block", mknod("/tmp/sda", S_IFBLK | 0600, makedev(8, 0)));
    step("mknod-char-mem", mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1)));
    const char *devices[] = { "/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/sda", "/dev/vda", "/dev/tty0",
        "/dev/console", "/dev/vsock", "/dev/fuse", "/dev/kvm", "/dev/net/tun", "/dev/loop0", "/dev/core" };
    for (size_t i = 0; i < sizeof devices / sizeof *devices; i++) {
        char name[64];
        snprintf(name, sizeof name, "open%s", devices[i]);
        for (char *c = name; *c; c++) if (*c == '/') *c = '-';
        step_fd(name, open(devices[i], O_RDONLY));
    }
    /* /dev may hold only bwrap's safe set. */
    const char *allowed[] = { ".", "..", "null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "ptmx",
        "fd", "stdin", "stdout", "stderr", "core" };
    DIR *dev = opendir("/dev");
    int extra = 0;
    struct dirent *e;
    while (dev && (e = readdir(dev))) {
        int ok = 0;
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) if (!strcmp(e->d_name, allowed[i])) ok = 1;
        if (!ok) { extra++; printf("unexpected /dev/%s\n", e->d_name); }
    }
    if (dev) closedir(dev);
    token("dev-entries", extra ? "EXTRA" : "MINIMAL", "%d unexpected", extra);
    return probe_end();
}
