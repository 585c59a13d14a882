/* fs-cgroup-write: raise our own limits, move into the parent cgroup, or mount a cgroup hierarchy for a
 * release_agent (CVE-2022-0492). */
#include "probe.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    struct stat st;
    step("stat-sys-fs-cgroup", stat("/sys/fs/cgroup", &st));
    step_fd("write-pids-max", open("/sys/fs/cgroup/pids/pids.max", O_WRONLY));
    step_fd("write-memory-max", open("/sys/fs/cgroup/memory.max", O_WRONLY));
    step_fd("write-parent-procs", open("/sys/fs/cgroup/cgroup.procs", O_WRONLY));
    mkdir("/tmp/cg", 0755);
    step("mount-cgroup-v1", mount("cgroup", "/tmp/cg", "cgroup", 0, "rdma"));
    step("mount-cgroup2", mount("cgroup2", "/tmp/cg", "cgroup2", 0, NULL));
    step_fd("write-release-agent", open("/tmp/cg/release_agent", O_WRONLY));
    return probe_end();
}
