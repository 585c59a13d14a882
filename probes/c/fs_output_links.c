/* fs-output-link-tricks / fs-rw-setid-plant: in a read-write host work directory, plant things that hurt
 * whoever reads or runs the results later.
 *   MODE links: symlinks out, hard links to files it does not own, a FIFO, a device node
 *   MODE setid: set-user-ID and set-group-ID files (they would carry the run's host uid to anyone who runs them) */
#include "probe.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int setid(void)
{
    int fd = open("/work/setid", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd >= 0) { (void)!write(fd, "#!/bin/sh\nid\n", 13); close(fd); }
    /* A set-id bit here would lend the invoking user's identity to anyone on the host who can run the file. */
    step("chmod-setuid", chmod("/work/setid", 04755));
    step("chmod-setgid", chmod("/work/setid", 02755));
    step_fd("create-setuid", open("/work/setid-created", O_WRONLY | O_CREAT, 06755));
    step("mkdir-setgid", mkdir("/work/setgid-dir", 02777));
    return probe_end();
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    if (argc > 2 && !strcmp(argv[2], "setid")) return setid();
    const char *secret = env_or("CORDON_CANARY_FILE", "/nonexistent/canary");
    step("symlink-shadow", symlink("/etc/shadow", "/work/result.txt"));
    char target[4200];
    snprintf(target, sizeof target, "../../../../..%s", secret);
    step("symlink-canary", symlink(target, "/work/secret-link"));
    step("hardlink-passwd", link("/etc/passwd", "/work/passwd"));
    step("hardlink-usr", link("/usr/bin/true", "/work/true"));
    step("hardlink-canary", link(secret, "/work/canary"));
    step("mkfifo", mkfifo("/work/result.fifo", 0644));
    step("mknod-char", mknod("/work/null", S_IFCHR | 0666, makedev(1, 3)));
    return probe_end();
}

