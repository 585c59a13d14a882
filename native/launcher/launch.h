/* Copyright (c) Cordon contributors. Licensed under the MIT License. */

/*
 * cordon-launch: shared declarations.
 *
 * The supervisor starts "cordon-launch enter ... -- bwrap ... -- /.cordon/launch init ... -- guest".
 * Both stages report to the supervisor through one pipe, the status fd, one line per write(2):
 *   W <text>          warning (the sandbox is weaker than requested, but the policy allows it)
 *   F <step> <errno>  fatal launcher failure; the launcher exits 125 and nothing else follows
 *   E <errno>         execve of the guest failed; an S line follows
 *   R                 warm mode only (init --command-fd): the sandbox is built and waits for its command
 *   X                 the guest was exec'd
 *   S exit <n> | S signal <n>[ core]   the guest ended
 *   C <copied> <skipped>   copyback mode only: the upper layer was applied
 *
 * A run reports: any W lines, then one of F (end), E then S, or X then S.
 * F steps: arg-<option> (errno EINVAL), stdio, status-fd, pdeathsig, parent-gone (ESRCH),
 *   cgroup-join, stage-unshare, stage-private, stage-tmpfs, stage-open, stage-seal, idmap-userns,
 *   idmap-source-<i>, idmap-clone-<i>, idmap-<i> (EINVAL: the filesystem refuses idmapping),
 *   idmap-mountpoint-<i>, idmap-attach-<i>, budget-mountpoint-<i>, budget-attach-<i>,
 *   budget-overlay-<i>, setgroups, setresgid, setresuid, getresuid, getresgid, capset, capget,
 *   user-verify (EPERM), exec-bwrap; not-pid1 (EINVAL), dumpable, no-new-privs, signals,
 *   notify-fd, bpf-read, bpf-close, report-pipe, fork, close-fds, close-report, report-read,
 *   wait, close-status, landlock-abi, landlock-unavailable, landlock-create, landlock-path,
 *   landlock-add-rule, landlock-path-close, landlock-restrict, landlock-close, fd-move, fd-map,
 *   close-range, rlimit-<NAME>, seccomp-install, notify-send, listener-close, notify-close,
 *   dns-stub-socket, command-read, command-none (ENODATA), command-close, command-message, command-spec (EPROTO),
 *   command-stdio, chdir,
 * W texts: landlock-unavailable, landlock-net-unavailable abi=<n>,
 *   landlock-scope-unavailable abi=<n>.
 */
#ifndef CORDON_LAUNCH_H
#define CORDON_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 125 = Cordon itself failed (as in env(1) and docker run). */
#define LAUNCH_EXIT_FAILED 125
/* Shell convention: 127 = not found, 126 = found but cannot execute. */
#define LAUNCH_EXIT_NOT_FOUND 127
#define LAUNCH_EXIT_CANNOT_EXEC 126

/* Upper bounds on repeated options; the supervisor never needs more. */
#define LAUNCH_MAX_PATHS 256
#define LAUNCH_MAX_CGROUPS 32

/* status.c: status-fd lines. */

/* Formats one line and writes it with a single write(2). 0, or -1 with errno set. */
int status_write(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports "F <step> <err>" (best effort: the exit code says it too) and exits 125. */
_Noreturn void status_fatal(int fd, const char *step, int err);

/* Exits 125 silently unless fd is an open descriptor >= 3: without one, nothing can be reported. */
void status_fd_require(int fd);

/* Reports F stdio EBADF unless 0, 1 and 2 are open. Otherwise the kernel would hand out those
 * numbers to the launcher's own pipes and sockets, and the guest or bwrap would inherit them as
 * stdio. */
void stdio_require(int status_fd);

/* args.c: strict parsing (decimal only, no sign, no whitespace, overflow checked). */
bool parse_u64(const char *s, uint64_t max, uint64_t *out);
bool parse_fd(const char *s, int *out);
/* Parses "UID:GID" (each decimal, below (uid_t)-1). */
bool parse_id_pair(const char *s, uid_t *uid, gid_t *gid);
/* Returns argv[*i + 1] and advances *i, or NULL when the option has no value. */
const char *option_value(int argc, char **argv, int *i);

/* report.c: the init child's reports to pid 1, which forwards them to the status fd. The child
 * never writes the status fd itself, so pid 1 is its only writer inside the sandbox and the lines
 * stay in order (every W before X). */
struct report_record {
    char kind;      /* 'W', 'F', 'E' or 'R' */
    char text[59];  /* NUL-terminated: warning text or failing step */
    int32_t err;    /* errno for 'F' and 'E' */
};
_Static_assert(sizeof(struct report_record) == 64, "record must stay small: one atomic pipe write");

/* Sends a warning; a failure to send is fatal (the supervisor must learn of every weakening). */
void report_warn(int report_fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends "F step err" and exits 125. Only write(2) and exit_group(2): usable after seccomp. */
_Noreturn void report_fatal(int report_fd, const char *step, int err);
/* Sends "R": a warm sandbox is built and waits for its command. 0, or -1 with errno set. */
int report_ready(int report_fd);
/* Sends "E err". Only write(2). 0, or -1 with errno set. */
int report_exec_error(int report_fd, int err);

/* landlock.c */
struct landlock_policy {
    const char *ro[LAUNCH_MAX_PATHS];
    size_t n_ro;
    const char *rw[LAUNCH_MAX_PATHS];
    size_t n_rw;
    const char *list[LAUNCH_MAX_PATHS]; /* READ_DIR only: names visible, contents not */
    size_t n_list;
    bool deny_net;
    /* TCP connect only (bind stays the namespace's business): with an allowlist every connect is
     * the supervisor's to carry out, so none made by the guest's own task may pass. */
    bool deny_connect;
    bool require;
};

/* Restricts the calling process (which must have no_new_privs) as the policy says. Reports
 * warnings and fatal failures through report_fd; returns only on success. */
void landlock_apply(const struct landlock_policy *policy, int report_fd);

/* stage.c: idmapped clones of the writable sources (descriptors), attached at STAGE_DIR/<index>
 * in a private mount namespace. Where upper_fds[i] >= 0 (a detached, size-capped tmpfs holding
 * upper/ and work/, made by the supervisor), an overlay at STAGE_DIR/m<index> puts the guest's
 * writes there instead: the disk budget. Root only. Reports fatal failures and exits; closes the
 * descriptors. */
void stage_idmapped(int status_fd, const char *stage_dir, const int *source_fds, const int *upper_fds, size_t n, uid_t run_uid, gid_t run_gid);

/* command.c: a warm sandbox's command (see command.c for the message). */
struct warm_command {
    char *cwd;
    char **argv;
    char **envp;
    int fds_from[252];
    int fds_to[252];
    size_t n_fds;
};

/* Blocks until the command arrives on command_fd; on success stdio is the guest's (0, 1, 2 from
 * the message), command_fd is closed and the inherited descriptors are listed in c. Reports
 * fatal failures and exits (command-none when the supervisor closed its end without a command). */
void command_receive(int command_fd, int report_fd, struct warm_command *c);

/* cgroup_clone.c: cgroup v2 without the cgroup.procs wait. */

/* clone3(CLONE_INTO_CGROUP) into the cgroup directory CGROUP_FD, otherwise a fork: the child's pid
 * in the parent, 0 in the child, -1 with errno set. */
pid_t clone_into_cgroup(int cgroup_fd);
/* Whether clone_into_cgroup's errno means the kernel lacks it (use cgroup.procs instead). */
bool clone_into_cgroup_unsupported(int err);
/* In enter, once bwrap's process is made: relays terminating signals to CHILD, waits for it and
 * exits as it did (its exit status, or its signal re-raised). Holds no descriptor meanwhile. */
_Noreturn void stand_in_for(pid_t child);

/* Modes. argv starts after the mode word. */
int enter_main(int argc, char **argv);
int init_main(int argc, char **argv);
int copyback_main(int argc, char **argv);

#endif
