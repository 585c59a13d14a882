/* fs-dotdot-escape: climb out of the root with chdir(".."), then look for the host-only canary file. */
#include "probe.h"
#include <fcntl.h>
#include <sys/stat.h>

static void try_open(const char *name, const char *path)
{
    int fd = open(path, O_RDONLY);
    step(name, fd);
    if (fd >= 0) {
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) { buf[n] = 0; printf("read: %s\n", buf); }
        close(fd);
    }
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *secret = env_or("CORDON_CANARY_FILE", "/nonexistent/canary");
    struct stat root, after, st;
    stat("/", &root);
    step("chdir-root", chdir("/"));
    for (int i = 0; i < 64; i++) chdir("..");
    stat(".", &after);
    token("root-after-dotdot", root.st_ino == after.st_ino && root.st_dev == after.st_dev ? "SAME" : "MOVED", NULL);
    step("stat-canary", stat(secret, &st));
    try_open("open-canary", secret);
    char path[4200];
    snprintf(path, sizeof path, "../../../../../../../../..%s", secret);
    try_open("open-canary-relative", path);
    snprintf(path, sizeof path, "/proc/self/root%s", secret);
    try_open("open-canary-proc-root", path);
    step("stat-home", stat("/home", &st));
    step("stat-root-home", stat("/root", &st));
    return probe_end();
}
