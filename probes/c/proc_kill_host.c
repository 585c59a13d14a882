/* proc-kill-host: signal everything we can: the harness's victim process by its host pid, every pid,
 * pid 1 (our own init) and the parent. The harness checks its victim is alive, not stopped, not traced. */
#include "probe.h"
#include <signal.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    int victim = atoi(env_or("CORDON_VICTIM_PID", "0"));
    if (victim > 1) {
        step("kill-victim-sigstop", kill(victim, SIGSTOP));
        step("kill-victim-sigkill", kill(victim, SIGKILL));
    }
    step("kill-minus-one-sigstop", kill(-1, SIGSTOP));
    step("kill-minus-one-sigkill", kill(-1, SIGKILL));
    if (getpid() == 1) {
        /* A tier with its own kernel (gVisor) starts the guest as pid 1 itself: there is no init of ours to
         * shield, and signalling pid 1 would only end the probe before its last checks. */
        token("kill-pid1-sigkill", "OK", "the probe is pid 1 itself");
        token("kill-pid1-sigstop", "OK", "the probe is pid 1 itself");
    } else {
        step("kill-pid1-sigkill", kill(1, SIGKILL));
        step("kill-pid1-sigstop", kill(1, SIGSTOP));
    }
    /* 1: forked by the sandbox's init; 0: the parent lies outside our pid namespace (pid 1 of its own). */
    token("parent-pid", getppid() == 1 ? "INIT" : getppid() == 0 ? "OUTSIDE" : "OTHER", "%d", (int)getppid());
    /* Probe the pid space: a visible host pid answers kill(pid, 0). */
    int visible = 0;
    for (int pid = 2; pid <= 65536; pid++) if (pid != getpid() && kill(pid, 0) == 0) { visible++; printf("pid %d answers\n", pid); }
    token("pid-scan", visible ? "VISIBLE" : "NONE", "%d other pids", visible);
    return probe_end();
}
