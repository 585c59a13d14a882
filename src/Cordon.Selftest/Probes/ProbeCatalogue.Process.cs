using Cordon.Selftest.Harness;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private static IEnumerable<ProbeDefinition> Process() =>
    [
        new()
        {
            Id = "proc-kill-host", Category = ProbeCategory.Process, Program = C("proc_kill_host"),
            Description = "SIGSTOP/SIGKILL the harness's victim by host pid, kill(-1), kill pid 1, probe pids 2-65536 with kill(pid, 0)",
            Expected = new()
            {
                Text = "ESRCH; init immune; victim alive",
                Steps = [Maybe("kill-victim-*", Esrch), Step("kill-minus-one-*", Esrch), Step("kill-pid1-*", Eperm, Ok),
                    Step("parent-pid", ["INIT", "OUTSIDE"], ["OTHER"]), Step("pid-scan", ["NONE"], ["VISIBLE"])],
            },
        },
        new()
        {
            Id = "proc-pid-visibility", Category = ProbeCategory.Process, Program = C("proc_pid_visibility"),
            Description = "list /proc and print every command line; open the victim's /proc/PID/status and environ by host pid",
            Expected = new() { Text = "only sandbox pids; victim ENOENT", Steps = [Step("pid-count", ["FEW"], ["MANY"]), Maybe("open-victim-*", Enoent)] },
        },
        new()
        {
            Id = "proc-ptrace-sibling", Category = ProbeCategory.Process, Program = C("proc_ptrace"),
            Description = "PTRACE_SEIZE/ATTACH a child and pid 1, process_vm_readv/writev, write /proc/1/mem, pidfd_getfd, kcmp",
            Expected = new()
            {
                Text = "EPERM (seccomp); /proc/1/mem EACCES",
                Steps = [Step("ptrace-*", Eperm), Step("process-vm-*", Eperm), Step("open-pid1-mem", Eacces, Eperm), Maybe("pidfd-getfd-pid1", Eperm),
                    Maybe("pidfd-open-pid1", Eperm, Eacces, Esrch), Step("kcmp-pid1", Eperm)],
                Violations = ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp"],
            },
        },
        new()
        {
            Id = "proc-orphan-daemon", Category = ProbeCategory.Process, Program = C("proc_orphan"),
            Description = "double fork + setsid + SIGHUP/SIGTERM ignored + exec sleep, also under a PR_SET_CHILD_SUBREAPER parent; main exits 0",
            Expected = new() { Text = "exit 0; nothing outlives the run", Steps = [Step("daemons", "STARTED")] },
        },
        new()
        {
            Id = "proc-tty-inject", Category = ProbeCategory.Process, Program = C("proc_tty_inject"),
            Description = "TIOCSTI on stdio (CVE-2017-5226), with high bits set (CVE-2019-10063), on /dev/tty; TIOCLINUX paste (CVE-2023-28100)",
            Expected = new()
            {
                Text = "ioctl EPERM (seccomp); /dev/tty ENXIO",
                Steps = [Step("tiocsti-*", Eperm, "ENOTTY"), Step("open-dev-tty", Enxio), Step("tioclinux-stdout", Eperm, "ENOTTY"), Step("open-dev-tty0", Enoent)],
                Violations = ["ioctl"],
            },
        },
        new()
        {
            Id = "proc-caps-nnp", Category = ProbeCategory.Process, Program = C("proc_caps_nnp"),
            Description = "read caps/NNP/seccomp; setuid(0), setresuid, setgroups, uid_map, clear NNP, raise ambient caps, seccomp listener, stack an allow-all filter",
            Expected = new()
            {
                Text = "caps 0, NNP 1, filtered; all EPERM/EINVAL",
                Steps = [Step("capabilities", ["ZERO"], ["PRESENT"]), Step("no-new-privs", ["SET"], ["CLEAR"]), Step("seccomp-mode", ["FILTER"], ["NONE"]),
                    Step("setuid-0", Eperm, Einval), Step("setresuid-0", Eperm, Einval), Step("setgid-0", Eperm, Einval), Step("setgroups-empty", Eperm, Einval),
                    Step("write-uid-map", Eperm, Eacces), Step("clear-no-new-privs", Einval, Eperm), Step("capset-all", Eperm),
                    Step("seccomp-new-listener", Eperm), Step("stack-allow-all-filter", Ok, Eperm), Step("ptrace-after-stacking", Eperm)],
                Violations = ["seccomp", "ptrace"],
            },
        },
        new()
        {
            Id = "proc-ns-identity", Category = ProbeCategory.Process, Program = C("proc_ns_identity"),
            Description = "derived: read its own user/mnt/pid/net/ipc/uts/cgroup namespace ids; the host compares them with its own and with what it saw",
            Expected = new() { Text = "every namespace differs from the host's", Steps = [Step("ns-*", "VALUE")] },
            HostCheck = NamespacesDiffer, NeedsHostProcesses = true,
        },
        new()
        {
            Id = "proc-core-dump", Category = ProbeCategory.Process, Program = C("proc_core_dump"),
            Description = "derived: raise RLIMIT_CORE and abort a child: no core of sandbox memory, no host core_pattern helper",
            Expected = new() { Text = "rlimit EPERM; child dies without core", Steps = [Step("raise-rlimit-core", Eperm), Step("child-abort", ["NOCORE"], ["DUMPED"])] },
        },
    ];

    /// <summary>Every namespace the guest reports (and every one the host saw for a guest process) must differ from the host's.</summary>
    private static IEnumerable<Finding> NamespacesDiffer(ProbeEvidence e)
    {
        IReadOnlyDictionary<string, string> host = ChainObserver.OwnNamespaces();
        foreach (ProbeStep step in e.Transcript.Steps.Where(s => s.Name.StartsWith("ns-", StringComparison.Ordinal)))
        {
            string kind = step.Name[3..];
            if (host.TryGetValue(kind, out string? own) && step.Detail == own) yield return Finding.Escape($"the guest shares the host's {kind} namespace ({own})");
        }

        ObservedProcess[] guests = [.. e.Chain.Processes.Values.Where(p => p.IsGuest)];
        // The probe lingers after reporting so the host can look; without a host view only the guest's word remains.
        if (guests.Length == 0) yield return Finding.Unsure("the host never saw the guest process, so its namespaces rest on the guest's word");
        foreach (ObservedProcess p in guests)
        {
            foreach (var (kind, link) in p.Namespaces)
            {
                if (host.TryGetValue(kind, out string? own) && link == own) yield return Finding.Escape($"the host sees guest pid {p.Pid} in its own {kind} namespace");
                ProbeStep? claim = e.Step("ns-" + kind);
                if (claim is not null && p.CommandLine.Contains("proc_ns_identity", StringComparison.Ordinal) && claim.Detail != link)
                    yield return Finding.Unsure($"the guest reports {kind} {claim.Detail} but the host saw {link}");
            }
        }
    }
}
