/* fs-ro-bind-write: every way of changing a read-only bind or the read-only root. */
#include "probe.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *probes = env_or("CORDON_PROBE_DIR", "/opt/cordon-probes");
    char path[512];
    step_fd("create-usr", open("/usr/cordon-probe-new", O_WRONLY | O_CREAT, 0644));
    snprintf(path, sizeof path, "%s/cordon-probe-new", probes);
    step_fd("create-probes-bind", open(path, O_WRONLY | O_CREAT, 0644));
    step_fd("create-root", open("/cordon-probe-new", O_WRONLY | O_CREAT, 0644));
    step("mkdir-root", mkdir("/cordon-probe-dir", 0755));
    step_fd("write-etc-passwd", open("/etc/passwd", O_WRONLY));
    step("rename-usr", rename("/usr/bin/true", "/usr/bin/true.probe"));
    step("unlink-usr", unlink("/usr/bin/true"));
    snprintf(path, sizeof path, "%s/README", probes);
    step("unlink-probes-bind", unlink(path));
    step("chmod-usr", chmod("/usr/bin/true", 0700));
    step("utimensat-usr", utimensat(AT_FDCWD, "/usr/bin/true", NULL, 0));
    step("setxattr-usr", setxattr("/usr/bin/true", "user.cordon", "x", 1, 0));
    step("truncate-launcher", truncate("/.cordon/launch", 0));
    step("remount-usr-rw", mount(NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL));
    return probe_end();
}
