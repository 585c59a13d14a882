/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * cordon-launch: the native helper around bwrap: all native work between fork and exec is here.
 *
 *   cordon-launch enter ...  host side: join cgroups, drop to the run's uid, exec bwrap.
 *   cordon-launch init ...   pid 1 inside the sandbox: Landlock, fds, rlimits, seccomp listener,
 *                            exec the guest, reap, report how the guest ended.
 *   cordon-launch copyback ...  host side, after a run: apply a disk-budgeted grant's writes.
 *
 * The supervisor talks to it only through --status-fd lines (see launch.h), never stdout/stderr.
 */
#include <string.h>
#include <unistd.h>

#include "launch.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "enter") == 0)
        return enter_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "init") == 0)
        return init_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "copyback") == 0)
        return copyback_main(argc - 2, argv + 2);

    /* No mode means no status fd either; a person ran this by hand, so tell them on stderr. */
    static const char usage[] =
        "usage: cordon-launch enter --status-fd N [--parent-pid P] [--cgroup DIR]... "
        "[--user UID:GID] [--stage DIR --idmap-fd FD]... -- PROGRAM ARGS...\n"
        "       cordon-launch init --status-fd N --notify-fd M [--bpf-fd B] "
        "[--landlock-ro PATH]... [--landlock-rw PATH]... [--landlock-list DIR]... [--landlock-deny-net] "
        "[--require-landlock] [--rlimit NAME=SOFT:HARD]... [--fd FROM:TO]... -- GUEST ARGS...\n"
        "       cordon-launch copyback --status-fd N --upper-fd U --target-fd T --owner UID:GID\n";
    ssize_t ignored = write(STDERR_FILENO, usage, sizeof usage - 1);
    (void)ignored; /* nothing better to do if stderr is gone */
    return LAUNCH_EXIT_FAILED;
}
