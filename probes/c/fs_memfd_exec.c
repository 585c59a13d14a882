/* fs-memfd-exec: run code that never touched a filesystem (memfd_create + fexecve of a copy of ourselves).
 * Allowed by design: the point is that the copy is still inside every layer (seccomp, no_new_privs, ns). */
#include "probe.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int child_checks(void)
{
    /* Runs as the memfd copy: the filter and no_new_privs must have survived the exec. */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int nnp = -1, seccomp = -1;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "NoNewPrivs: %d", &nnp);
        sscanf(line, "Seccomp: %d", &seccomp);
    }
    if (f) fclose(f);
    token("memfd-child-no-new-privs", nnp == 1 ? "SET" : "CLEAR", "%d", nnp);
    token("memfd-child-seccomp", seccomp == 2 ? "FILTER" : "NONE", "%d", seccomp);
    step("memfd-child-ptrace", syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 1, 0, 0));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[2], "--child")) { probe_nonce = argv[1]; setvbuf(stdout, NULL, _IOLBF, 0); return child_checks(); }
    probe_begin(argc, argv);
    int self = open("/proc/self/exe", O_RDONLY);
    int mfd = (int)step("memfd-create", memfd_create("cordon-probe", MFD_CLOEXEC));
    if (self < 0 || mfd < 0) return 3;
    struct stat st;
    fstat(self, &st);
    char buf[65536];
    ssize_t n;
    while ((n = read(self, buf, sizeof buf)) > 0) (void)!write(mfd, buf, (size_t)n);
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = { argv[0], argv[1], "--child", NULL };
        char *env[] = { NULL };
        fexecve(mfd, args, env);
        printf("fexecve failed: %s\n", errname(errno));
        _exit(9);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    token("memfd-exec", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "RAN" : "FAILED", "status %d", status);
    return probe_end();
}
