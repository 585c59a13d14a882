using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    /// <summary>Syscall families whose presence in an allowlist the audit names: score and why hostile code wants them.</summary>
    private static readonly (string Family, double Score, string Why, string[] Names)[] RiskyFamilies =
    [
        ("namespaces", 9, "new user or mount namespaces re-open kernel attack surface (CVE-2022-0185)", ["unshare", "setns"]),
        ("bpf", 9, "in-kernel BPF programs have a long history of verifier escapes", ["bpf"]),
        ("kernel modules", 9, "loading modules or kexec replaces the kernel itself", ["init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load"]),
        ("mounts", 8, "the mount API can reveal or replace parts of the sandbox's filesystem", ["mount", "umount2", "pivot_root", "chroot", "move_mount", "fsopen", "fsmount", "fsconfig", "fspick", "open_tree"]),
        ("ptrace", 8, "reading and steering other processes' memory", ["ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp"]),
        ("io_uring", 8, "io_uring operations bypass seccomp entirely", ["io_uring_setup", "io_uring_enter", "io_uring_register"]),
        ("file handles", 8, "open_by_handle_at bypasses path checks (the \"shocker\" breakout)", ["open_by_handle_at", "name_to_handle_at"]),
        ("perf", 7, "perf events leak host information and have a long CVE history", ["perf_event_open"]),
        ("userfaultfd", 6, "userfaultfd widens kernel race windows for exploits", ["userfaultfd"]),
        ("keyrings", 6, "kernel keyrings are not namespaced", ["keyctl", "add_key", "request_key"]),
        ("host administration", 5, "clocks, host names, swap, reboot and the kernel log belong to the host", ["reboot", "swapon", "swapoff", "settimeofday", "clock_settime", "adjtimex", "sethostname", "setdomainname", "syslog", "acct", "quotactl"]),
        ("raw hardware", 5, "port I/O and segment descriptors", ["iopl", "ioperm", "modify_ldt"]),
    ];

    /// <summary>An allowlist with more than this share of all syscalls is a deny list in disguise.</summary>
    private const double BlocklistShare = 0.6;

    private static AuditDimension Syscalls(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        SyscallPolicy syscalls = policy.Syscalls;
        switch (syscalls.Profile)
        {
            case SyscallProfile.Strict:
                doors.Add(0.8);
                findings.Add(new AuditFinding("syscalls.strict", FindingSeverity.Info, "syscalls.profile",
                    "strict profile: computation and I/O on open descriptors only",
                    "The smallest kernel surface Cordon offers; no files can be opened and nothing executed."));
                break;
            case SyscallProfile.Default:
                doors.Add(2);
                findings.Add(new AuditFinding("syscalls.default", FindingSeverity.Info, "syscalls.profile",
                    "default allowlist: what shells, python3, node and gcc need; namespaces, mounts, ptrace, bpf, io_uring and keyrings refused",
                    "Every allowed call is kernel attack surface, but the families behind container escapes are closed.",
                    "profile = \"strict\" for stdin-to-stdout filters"));
                break;
            default:
                int known = X64SyscallTable.Names.Count();
                double share = (double)syscalls.AllowedSyscalls.Length / known;
                doors.Add(0.5 + (4 * share));
                HashSet<string> allowed = [.. syscalls.AllowedSyscalls];
                foreach ((string family, double score, string why, string[] names) in RiskyFamilies)
                {
                    string[] present = [.. names.Where(allowed.Contains)];
                    if (present.Length == 0) continue;
                    doors.Add(score);
                    findings.Add(new AuditFinding("syscalls.risky", score >= 8 ? FindingSeverity.High : FindingSeverity.Medium, "syscalls.allow",
                        $"{family} allowed: {string.Join(", ", present)}", $"Hostile code wants these: {why}.",
                        $"remove {string.Join(", ", present)} from the allowlist"));
                }

                if (share >= BlocklistShare)
                {
                    findings.Add(new AuditFinding("syscalls.blocklist", FindingSeverity.High, "syscalls.allow",
                        $"blocklist-shaped syscall policy: {syscalls.AllowedSyscalls.Length} of {known} syscalls allowed, i.e. everything except a deny list",
                        "A deny list must name every dangerous call, including those added by the next kernel; the one nobody thought of (openat2 after openat, io_uring after read) walks through, while an allowlist refuses anything it does not name.",
                        "start from profile = \"default\" (or \"strict\"), or list only the calls the job makes (strace -f) in profile = \"custom\", allow = [...]"));
                }
                else
                {
                    findings.Add(new AuditFinding("syscalls.custom", FindingSeverity.Info, "syscalls.allow",
                        $"custom allowlist of {syscalls.AllowedSyscalls.Length} syscalls", "An allowlist refuses every call it does not name."));
                }

                break;
        }

        double exposure = Combine(doors);
        if (syscalls.OnViolation == ViolationAction.Kill)
        {
            exposure *= 0.85;
            findings.Add(new AuditFinding("syscalls.kill", FindingSeverity.Info, "syscalls.on_violation",
                "a refused call kills the sandbox", "The guest gets one try: it cannot probe the filter call by call."));
        }
        else
        {
            findings.Add(new AuditFinding("syscalls.errno", FindingSeverity.Info, "syscalls.on_violation",
                "a refused call fails with EPERM and the guest continues",
                "Friendly to programs that probe optional features, but hostile code may try call after call.",
                "on_violation = \"kill\" when the job is known to stay inside its allowlist"));
        }

        return Dimension("syscalls", "kernel attack surface and what a refused call does", 0.5, exposure, findings);
    }
}
