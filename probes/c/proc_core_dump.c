/* proc-core-dump: crash on purpose. A core dump of sandbox memory must not be written anywhere, and a
 * host core_pattern pipe helper must not run for us (RLIMIT_CORE 0). */
#include "probe.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    struct rlimit core = { RLIM_INFINITY, RLIM_INFINITY };
    step("raise-rlimit-core", setrlimit(RLIMIT_CORE, &core));
    pid_t child = fork();
    if (child == 0) { signal(SIGABRT, SIG_DFL); abort(); }
    int status = 0;
    waitpid(child, &status, 0);
    token("child-abort", WIFSIGNALED(status) ? (WCOREDUMP(status) ? "DUMPED" : "NOCORE") : "EXITED", "status %d", status);
    return probe_end();
}
