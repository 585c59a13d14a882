/* fs-proc-pid-root: every /proc/<pid>/root and cwd must resolve inside the sandbox; the host canary must
 * not be reachable through any of them (runc CVE-2024-21626 shape). */
#include "probe.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    const char *secret = env_or("CORDON_CANARY_FILE", "/nonexistent/canary");
    DIR *proc = opendir("/proc");
    if (!proc) { step("opendir-proc", -1); return 3; }
    int outside = 0, pids = 0;
    struct dirent *e;
    while ((e = readdir(proc))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        pids++;
        char link[300], target[4096], path[4400];
        for (int k = 0; k < 2; k++) {
            snprintf(link, sizeof link, "/proc/%s/%s", e->d_name, k ? "cwd" : "root");
            ssize_t n = readlink(link, target, sizeof target - 1);
            if (n < 0) continue;
            target[n] = 0;
            if (target[0] != '/' || strstr(target, "(unreachable)")) { outside++; printf("%s -> %s\n", link, target); }
        }
        snprintf(path, sizeof path, "/proc/%s/root%s", e->d_name, secret);
        char name[300];
        snprintf(name, sizeof name, "open-canary-pid%s", e->d_name);
        int fd = open(path, O_RDONLY);
        step(name, fd);
        if (fd >= 0) { char buf[4096]; ssize_t r = read(fd, buf, sizeof buf - 1); if (r > 0) { buf[r] = 0; printf("read: %s\n", buf); } close(fd); }
    }
    closedir(proc);
    token("root-and-cwd-links", outside ? "OUTSIDE" : "INSIDE", "%d pids", pids);
    return probe_end();
}
