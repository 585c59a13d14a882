/* fs-proc-sys-write: host-wide kernel knobs through /proc (core_pattern helper = code execution as host
 * root; sysrq; modprobe path; hostname; caches). The harness compares the host's values before and after. */
#include "probe.h"
#include <fcntl.h>

static void try_write(const char *name, const char *path, const char *value)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0) { step(name, fd); return; }
    ssize_t n = write(fd, value, strlen(value));
    step(name, n);
    close(fd);
}

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    try_write("core-pattern", "/proc/sys/kernel/core_pattern", "|/tmp/cordon-probe-pwn");
    try_write("modprobe", "/proc/sys/kernel/modprobe", "/tmp/cordon-probe-pwn");
    try_write("hostname", "/proc/sys/kernel/hostname", "cordon-probe-pwn");
    try_write("drop-caches", "/proc/sys/vm/drop_caches", "3");
    try_write("sysrq-trigger", "/proc/sysrq-trigger", "h");
    try_write("randomize-va-space", "/proc/sys/kernel/randomize_va_space", "0");
    try_write("unprivileged-bpf", "/proc/sys/kernel/unprivileged_bpf_disabled", "0");
    try_write("self-oom-score-adj", "/proc/self/oom_score_adj", "-1000");
    return probe_end();
}
