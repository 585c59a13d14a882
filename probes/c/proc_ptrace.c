/* proc-ptrace-sibling: attach to a child and to pid 1, read and write other processes' memory, steal
 * descriptors with pidfd_getfd, compare kernel objects with kcmp. */
#include "probe.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    step("ptrace-seize-child", ptrace(PTRACE_SEIZE, child, 0, 0));
    step("ptrace-attach-child", ptrace(PTRACE_ATTACH, child, 0, 0));
    step("ptrace-attach-pid1", ptrace(PTRACE_ATTACH, 1, 0, 0));
    char buf[16];
    struct iovec local = { buf, sizeof buf }, remote = { (void *)0x400000, sizeof buf };
    step("process-vm-readv-pid1", syscall(SYS_process_vm_readv, 1, &local, 1, &remote, 1, 0));
    step("process-vm-writev-child", syscall(SYS_process_vm_writev, child, &local, 1, &remote, 1, 0));
    int mem = open("/proc/1/mem", O_RDWR);
    step("open-pid1-mem", mem);
    if (mem >= 0) close(mem);
    int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);
    if (pidfd >= 0) {
        step("pidfd-getfd-pid1", syscall(SYS_pidfd_getfd, pidfd, 0, 0));
        close(pidfd);
    } else {
        step("pidfd-open-pid1", pidfd);
    }
    step("kcmp-pid1", syscall(SYS_kcmp, getpid(), 1, 0 /* KCMP_FILE */, 0, 0));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return probe_end();
}
