/* proc-caps-nnp: capabilities, no_new_privs and the filter: try to regain privileges or loosen the filter. */
#include "probe.h"
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int caps_nonzero = 0, nnp = -1, seccomp = -1;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long v;
        char key[32];
        if (sscanf(line, "%31[^:]: %llx", key, &v) == 2 && !strncmp(key, "Cap", 3) && v) caps_nonzero++;
        sscanf(line, "NoNewPrivs: %d", &nnp);
        sscanf(line, "Seccomp: %d", &seccomp);
    }
    if (f) fclose(f);
    token("capabilities", caps_nonzero ? "PRESENT" : "ZERO", "%d non-zero sets", caps_nonzero);
    token("no-new-privs", nnp == 1 ? "SET" : "CLEAR", "%d", nnp);
    token("seccomp-mode", seccomp == 2 ? "FILTER" : "NONE", "%d", seccomp);
    step("setuid-0", setuid(0));
    step("setresuid-0", setresuid(0, 0, 0));
    step("setgid-0", setgid(0));
    step("setgroups-empty", setgroups(0, NULL));
    int map = open("/proc/self/uid_map", O_WRONLY);
    if (map >= 0) { step("write-uid-map", write(map, "0 0 1\n", 6)); close(map); } else step("write-uid-map", map);
    step("clear-no-new-privs", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    step("capset-all", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 21 /* CAP_SYS_ADMIN */, 0, 0));
    struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
    struct sock_fprog prog = { 1, allow };
    step("seccomp-new-listener", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
    /* Stacking an allow-all filter is permitted, and must change nothing: filters only ever tighten. */
    step("stack-allow-all-filter", prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
    step("ptrace-after-stacking", syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 1, 0, 0));
    return probe_end();
}
