/* proc-pid-visibility: list /proc and read every cmdline; only the sandbox's own processes may exist. */
#include "probe.h"
#include <dirent.h>
#include <fcntl.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int victim = atoi(env_or("CORDON_VICTIM_PID", "0"));
    DIR *proc = opendir("/proc");
    int count = 0, high = 0;
    struct dirent *e;
    while (proc && (e = readdir(proc))) {
        int pid = atoi(e->d_name);
        if (pid <= 0) continue;
        count++;
        if (pid > high) high = pid;
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0) close(fd);
        if (n > 0) { for (ssize_t i = 0; i < n; i++) if (!buf[i]) buf[i] = ' '; buf[n] = 0; printf("pid %d: %s\n", pid, buf); }
    }
    if (proc) closedir(proc);
    token("pid-count", count <= 8 ? "FEW" : "MANY", "%d pids, highest %d", count, high);
    if (victim > 1) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/status", victim);
        step_fd("open-victim-status", open(path, O_RDONLY));
        snprintf(path, sizeof path, "/proc/%d/environ", victim);
        step_fd("open-victim-environ", open(path, O_RDONLY));
    }
    return probe_end();
}
