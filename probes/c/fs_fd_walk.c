/* fs-leaked-fd-walk: look for descriptors inherited from the host (CVE-2024-21626, bwrap passing every
 * non-CLOEXEC fd); follow any directory one out of the sandbox. */
#include "probe.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) step("getcwd", -1);
    else token("getcwd", strncmp(cwd, "(unreachable)", 13) == 0 ? "OUTSIDE" : "INSIDE", "%s", cwd);
    int found = 0;
    for (int fd = 3; fd < 4096; fd++) {
        if (fcntl(fd, F_GETFD) < 0) continue;
        found++;
        char link[64], target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        printf("fd %d -> %s\n", fd, target);
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && fchdir(fd) == 0) {
            for (int i = 0; i < 64; i++) chdir("..");
            if (getcwd(cwd, sizeof cwd)) printf("climbed to %s\n", cwd);
            int up = openat(fd, "..", O_RDONLY | O_DIRECTORY);
            if (up >= 0) close(up);
        }
    }
    token("extra-fds", found ? "FOUND" : "NONE", "%d", found);
    return probe_end();
}
