using Cordon.Selftest.Canaries;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private static IEnumerable<ProbeDefinition> Filesystem() =>
    [
        new()
        {
            Id = "fs-dotdot-escape", Category = ProbeCategory.Filesystem, Program = C("fs_dotdot"),
            Description = "chdir(\"..\") 64 times from /, then stat/open the host-only canary file by absolute path, relative path and /proc/self/root",
            Expected = new()
            {
                Text = "ENOENT; / unchanged",
                Steps = [Step("chdir-root", Ok), Step("root-after-dotdot", ["SAME"], ["MOVED"]), Step("stat-canary", Enoent),
                    Step("open-canary*", Enoent), Step("stat-home", Enoent), Step("stat-root-home", Enoent)],
            },
        },
        new()
        {
            Id = "fs-proc-pid-root", Category = ProbeCategory.Filesystem, Program = C("fs_proc_pid_root"),
            Description = "for every pid in /proc: readlink root and cwd, open /proc/PID/root/<canary> (runc CVE-2024-21626 shape)",
            Expected = new()
            {
                Text = "links inside; canary ENOENT/EACCES",
                Steps = [Step("open-canary-pid*", Enoent, Eacces), Step("root-and-cwd-links", ["INSIDE"], ["OUTSIDE"])],
            },
        },
        new()
        {
            Id = "fs-leaked-fd-walk", Category = ProbeCategory.Filesystem, Program = C("fs_fd_walk"),
            Description = "look for descriptors inherited from the host (fds 3-4095) and climb out of any directory one; getcwd must be inside",
            Expected = new() { Text = "only fds 0-2; cwd inside", Steps = [Step("getcwd", ["INSIDE"], ["OUTSIDE"]), Step("extra-fds", ["NONE"], ["FOUND"])] },
        },
        new()
        {
            Id = "fs-proc-exe-overwrite", Category = ProbeCategory.Filesystem, Program = C("fs_exe_overwrite"),
            Description = "open /proc/self/exe, /proc/1/exe (the launcher), /.cordon/launch and bwrap for writing, also by re-opening an O_PATH fd (CVE-2019-5736)",
            Expected = new()
            {
                Text = "EACCES/ETXTBSY; host binaries unchanged",
                Steps = [Step("self-exe-wronly", Eacces, Etxtbsy, Erofs), Step("pid1-exe-wronly", Eacces, Etxtbsy, Erofs, Eperm),
                    Step("launcher-wronly", Eacces, Etxtbsy, Erofs), Maybe("pid1-exe-opath-reopen", Eacces, Etxtbsy, Erofs, Eperm),
                    Maybe("pid1-exe-opath", Eacces, Eperm), Step("bwrap-wronly", Eacces, Etxtbsy, Erofs, Enoent)],
            },
        },
        new()
        {
            Id = "fs-ro-bind-write", Category = ProbeCategory.Filesystem, NeedsHostSystemRoot = true, Program = C("fs_ro_write"),
            Description = "create, rename, unlink, chmod, utimensat, setxattr, truncate on read-only binds and the root; remount /usr read-write",
            Expected = new()
            {
                Text = "EROFS/EACCES; remount EPERM",
                Steps = [Step("create-*", Erofs, Eacces), Step("mkdir-root", Erofs, Eacces), Step("write-etc-passwd", Erofs, Eacces),
                    Step("rename-usr", Erofs, Eacces), Step("unlink-*", Erofs, Eacces), Step("chmod-usr", Erofs, Eacces, Eperm),
                    Step("utimensat-usr", Erofs, Eacces, Eperm), Step("setxattr-usr", Erofs, Eacces, Eperm), Step("truncate-launcher", Erofs, Eacces),
                    Step("remount-usr-rw", Eperm)],
                Violations = ["mount"],
            },
        },
        new()
        {
            Id = "fs-output-link-tricks", Category = ProbeCategory.Filesystem, NeedsHostSystemRoot = true, Program = C("fs_output_links", "links"), NeedsWorkDirectory = true,
            Description = "in a read-write host work dir: symlinks to /etc/shadow and the canary, hard links to files it does not own, a FIFO, a device node",
            Expected = new()
            {
                Text = "EXDEV/EPERM; host sees no link or device",
                Steps = [Step("symlink-*", Ok, Eperm), Step("hardlink-passwd", Exdev, Eperm), Step("hardlink-usr", Exdev, Eperm),
                    Step("hardlink-canary", Enoent), Step("mkfifo", Ok, Eperm), Step("mknod-char", Eperm)],
            },
            HostCheck = WorkDirectoryPlants,
        },
        new()
        {
            Id = "fs-rw-setid-plant", Category = ProbeCategory.Filesystem, Program = C("fs_output_links", "setid"), NeedsWorkDirectory = true,
            Description = "derived: in a read-write host work dir, chmod u+s/g+s a file and create one with mode 06755 (lends the run's host uid to whoever runs it)",
            Expected = new()
            {
                Text = "EPERM; host sees no set-id file",
                Steps = [Step("chmod-setuid", Eperm), Step("chmod-setgid", Eperm), Step("create-setuid", Eperm), Info("mkdir-setgid")],
                Violations = ["chmod", "openat"],
            },
            HostCheck = WorkDirectorySetId,
        },
        new()
        {
            Id = "fs-setuid-exec", Category = ProbeCategory.Filesystem, NeedsHostSystemRoot = true, Program = Shell("fs_setuid_exec"),
            Description = "find the set-id programs under /usr and run them (su -c id, newgrp, sudo); read their effective uid while they run",
            Expected = new()
            {
                Text = "euid unchanged (nosuid, no_new_privs)",
                Steps = [Step("no-new-privs", ["SET"], ["CLEAR"]), Step("usr-mount", ["NOSUID"], ["SUID"]), Step("su-id", ["DENIED"], ["ROOT"]),
                    Step("sudo-id", ["DENIED"], ["ROOT"]), new StepRule("euid-*", ["NONE"], ["ROOT"], Required: false), Step("euid", ["UNCHANGED"], ["ROOT"])],
            },
        },
        new()
        {
            Id = "fs-mknod-dev", Category = ProbeCategory.Filesystem, Program = C("fs_mknod_dev"),
            Description = "mknod block and memory devices; open /dev/mem, kmsg, disks, consoles, vsock, fuse, kvm, tun, loop; list /dev",
            Expected = new()
            {
                Text = "mknod EPERM; devices ENOENT; /dev minimal",
                Steps = [Step("mknod-*", Eperm), Step("open-dev-*", Enoent, Eacces, Eperm), Step("dev-entries", ["MINIMAL"], ["EXTRA"])],
            },
        },
        new()
        {
            Id = "fs-proc-sys-write", Category = ProbeCategory.Filesystem, Program = C("fs_proc_sys_write"),
            Description = "write core_pattern (a pipe helper runs as host root), modprobe, hostname, drop_caches, sysrq-trigger, ASLR and bpf knobs",
            Expected = new()
            {
                Text = "EACCES/ENOENT; host knobs unchanged",
                Steps = [Step("core-pattern", Eacces, Erofs, Eperm), Step("modprobe", Eacces, Erofs, Enoent, Eperm), Step("hostname", Eacces, Erofs, Eperm),
                    Step("drop-caches", Eacces, Erofs, Eperm), Step("sysrq-trigger", Eacces, Erofs, Enoent, Eperm),
                    Step("randomize-va-space", Eacces, Erofs, Eperm), Step("unprivileged-bpf", Eacces, Erofs, Eperm),
                    Step("self-oom-score-adj", Eacces, Eperm)],
            },
        },
        new()
        {
            Id = "fs-cgroup-write", Category = ProbeCategory.Filesystem, Program = C("fs_cgroup_write"),
            Description = "raise pids.max/memory.max, join the parent cgroup, mount cgroup v1/v2 for a release_agent (CVE-2022-0492)",
            Expected = new()
            {
                Text = "/sys absent (ENOENT); mount EPERM (seccomp)",
                Steps = [Step("stat-sys-fs-cgroup", Enoent), Step("write-*", Enoent, Eacces, Erofs), Step("mount-cgroup*", Eperm)],
                Violations = ["mount"],
            },
        },
        new()
        {
            Id = "fs-open-by-handle", Category = ProbeCategory.Filesystem, Program = C("fs_open_by_handle"),
            Description = "\"shocker\": name_to_handle_at, then open_by_handle_at on a guessed host inode",
            Expected = new()
            {
                Text = "EPERM (seccomp)",
                Steps = [Step("name-to-handle-at", Eperm), Step("open-by-handle-at", Eperm)],
                Violations = ["name_to_handle_at", "open_by_handle_at"],
            },
        },
        new()
        {
            Id = "fs-host-paths", Category = ProbeCategory.Filesystem, NeedsHostSystemRoot = true, Program = C("fs_host_paths"),
            Description = "derived: stat /etc/shadow, /home, /root, /run, /var, /sys, docker/containerd/dbus sockets; list /etc",
            Expected = new() { Text = "ENOENT; /etc generated only", Steps = [Step("stat-*", Enoent), Step("etc-entries", ["MINIMAL"], ["EXTRA"])] },
        },
        new()
        {
            Id = "fs-memfd-exec", Category = ProbeCategory.Filesystem, Program = C("fs_memfd_exec"),
            Description = "derived: copy itself into a memfd and fexecve it; the copy checks it still has no_new_privs, the filter, and no ptrace",
            Expected = new()
            {
                Text = "runs, still NNP + filtered",
                Steps = [Step("memfd-create", Ok), Step("memfd-child-no-new-privs", ["SET"], ["CLEAR"]), Step("memfd-child-seccomp", ["FILTER"], ["NONE"]),
                    Step("memfd-child-ptrace", Eperm), Step("memfd-exec", "RAN")],
                Violations = ["ptrace"],
            },
        },
    ];

    /// <summary>The host reads the work directory without following anything: no device nodes, no hard links to outside files.</summary>
    private static IEnumerable<Finding> WorkDirectoryPlants(ProbeEvidence e)
    {
        foreach (var (path, state) in WorkDirectoryEntries(e))
        {
            if (state.IsDevice) yield return Finding.Escape($"a device node {Path.GetFileName(path)} appeared in the host work directory");
            else if (state.IsRegular && state.LinkCount > 1) yield return Finding.Escape($"{Path.GetFileName(path)} in the host work directory is a hard link ({state.LinkCount} links)");
        }
    }

    /// <summary>No file in the host work directory may carry a set-user-ID or set-group-ID bit.</summary>
    private static IEnumerable<Finding> WorkDirectorySetId(ProbeEvidence e)
    {
        foreach (var (path, state) in WorkDirectoryEntries(e))
        {
            if (state.IsRegular && (state.Mode & FileState.SetIdBits) != 0)
                yield return Finding.Escape($"the guest planted a set-id file in the host work directory: {Path.GetFileName(path)} mode {Convert.ToString(state.Mode & 0xFFF, 8)}");
        }
    }

    private static IEnumerable<(string Path, FileState State)> WorkDirectoryEntries(ProbeEvidence e)
    {
        if (e.Canaries.WorkDirectory is not { } work || !Directory.Exists(work)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (string path in Directory.EnumerateFileSystemEntries(work, "*", options))
        {
            if (FileState.Of(path) is { } state) yield return (path, state);
        }
    }
}
