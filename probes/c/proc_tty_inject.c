/* proc-tty-inject: push keystrokes into a terminal (TIOCSTI, CVE-2017-5226; high bits, CVE-2019-10063;
 * TIOCLINUX paste, CVE-2023-28100). */
#include "probe.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    probe_begin(argc, argv);
    char c = '#';
    step("tiocsti-stdin", ioctl(0, TIOCSTI, &c));
    step("tiocsti-stdout", ioctl(1, TIOCSTI, &c));
    step("tiocsti-high-bits", syscall(SYS_ioctl, 2, (unsigned long)TIOCSTI | (1UL << 32), &c));
    int tty = open("/dev/tty", O_RDWR);
    step("open-dev-tty", tty);
    if (tty >= 0) { step("tiocsti-dev-tty", ioctl(tty, TIOCSTI, &c)); close(tty); }
    char sel[8] = { 2 /* TIOCL_SETSEL */ };
    step("tioclinux-stdout", ioctl(1, TIOCLINUX, sel));
    step_fd("open-dev-tty0", open("/dev/tty0", O_RDWR));
    return probe_end();
}
