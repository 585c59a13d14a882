/* fs-proc-exe-overwrite: CVE-2019-5736 shape. Open the launcher (pid 1) and our own binary for writing,
 * directly and by re-opening an O_PATH descriptor. */
#include "probe.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    step_fd("self-exe-wronly", open("/proc/self/exe", O_WRONLY));
    step_fd("pid1-exe-wronly", open("/proc/1/exe", O_WRONLY));
    step_fd("launcher-wronly", open("/.cordon/launch", O_WRONLY));
    int path = open("/proc/1/exe", O_PATH);
    if (path >= 0) {
        char again[64];
        snprintf(again, sizeof again, "/proc/self/fd/%d", path);
        step_fd("pid1-exe-opath-reopen", open(again, O_WRONLY));
        close(path);
    } else {
        step("pid1-exe-opath", path);
    }
    step_fd("bwrap-wronly", open("/usr/bin/bwrap", O_WRONLY));
    return probe_end();
}
