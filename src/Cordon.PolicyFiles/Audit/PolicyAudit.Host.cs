using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    private static AuditDimension Privileges(SandboxPolicy policy, HostEnforcement? host)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        if (policy.GuestIsRoot)
        {
            doors.Add(1.5);
            findings.Add(new AuditFinding("privileges.guest-root", FindingSeverity.Low, "guest_root",
                "the guest is uid 0 inside its user namespace (without capabilities)",
                "Owner permission checks on mounted files owned by the mapped user pass, and programs that behave differently as root do.",
                "guest_root = false unless the program insists on running as root"));
        }

        if (host is null)
        {
            findings.Add(new AuditFinding("privileges.host-unknown", FindingSeverity.Info, "host", "whether Cordon runs as root was not checked", "Run cordon audit on the host that will run the policy."));
        }
        else if (host.RunsAsRoot)
        {
            doors.Add(1);
            findings.Add(new AuditFinding("privileges.root", FindingSeverity.Low, "host",
                "Cordon runs as root; each run drops to a host uid of its own before bwrap",
                "The guest never holds root, but the supervisor does: a sandbox escape into it would be an escape into root.",
                "run Cordon as an unprivileged user with a delegated cgroup v2 subtree"));
        }
        else
        {
            findings.Add(new AuditFinding("privileges.rootless", FindingSeverity.Info, "host", "Cordon runs rootless", "An escape lands as an unprivileged user."));
        }

        return Dimension("privileges", "root inside the guest and root on the host", 0.5, Combine(doors), findings);
    }

    private static AuditDimension Enforcement(SandboxPolicy policy, HostEnforcement? host)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        if (host is null)
        {
            findings.Add(new AuditFinding("host.unchecked", FindingSeverity.Info, "host",
                "not checked which layers this host enforces", "Run cordon doctor on the host that will run the policy."));
            return Dimension("host", "layers this host can actually enforce", 0.7, 0, findings);
        }

        if (!host.Namespaces || !host.Seccomp)
        {
            findings.Add(new AuditFinding("host.cannot-run", FindingSeverity.High, "host",
                $"this host lacks {(host.Namespaces ? "seccomp user notification" : "user namespaces")}: runs fail before the guest starts",
                "Cordon fails closed, so nothing is exposed, but nothing runs either.", "see cordon doctor"));
        }

        if (!host.Cgroups)
        {
            if (policy.RequireCgroups)
            {
                findings.Add(new AuditFinding("host.cgroups-required", FindingSeverity.Info, "require.cgroups",
                    "no usable cgroup here, and the policy requires one: runs refuse to start", "Fails closed."));
            }
            else
            {
                doors.Add(policy.Limits.MaxProcesses is null && policy.Limits.MemoryBytes is null ? 1 : 5);
                findings.Add(new AuditFinding("host.no-cgroups", FindingSeverity.Medium, "require.cgroups",
                    "no usable cgroup here: memory is limited per process (RLIMIT_AS), CPU per process, and the process count not at all",
                    "A guest that forks can multiply its memory and CPU budget and fork-bomb the host user.",
                    "delegate a cgroup v2 subtree (or run as root), or set require.cgroups = true to refuse instead"));
            }
        }

        if (host.LandlockAbi == 0)
        {
            if (!policy.RequireLandlock)
            {
                doors.Add(2.5);
                findings.Add(new AuditFinding("host.no-landlock", FindingSeverity.Low, "require.landlock",
                    "no Landlock here: the mount namespace is the only filesystem layer",
                    "A mistake in the mount setup would not be caught by a second layer.", "use Linux 5.13+ with Landlock enabled, or set require.landlock = true"));
            }
        }
        else if (host.LandlockAbi < 4 && policy.Network.Mode == NetworkMode.None)
        {
            doors.Add(1);
            findings.Add(new AuditFinding("host.landlock-no-net", FindingSeverity.Low, "network",
                $"Landlock ABI {host.LandlockAbi} has no TCP rules", "A network-less run relies on its namespace and seccomp alone.", "use Linux 6.7+"));
        }

        bool writable = policy.HasWritableGrants;
        if (writable && policy.Limits.DiskBytes is not null && !host.RunsAsRoot)
        {
            doors.Add(2);
            findings.Add(new AuditFinding("host.no-disk-budget", FindingSeverity.Low, "limits.disk",
                "rootless: the disk budget of writable grants cannot be enforced here",
                "Without root Cordon cannot put a size-capped layer under a grant; the guest can fill that filesystem and its inodes (one file is still capped by limits.fsize).",
                "run as root, or grant a directory on a filesystem of its own size"));
        }

        if (doors.Count == 0 && host.Namespaces && host.Seccomp)
        {
            findings.Add(new AuditFinding("host.complete", FindingSeverity.Info, "host",
                "this host enforces every layer the policy relies on (namespaces, seccomp, Landlock, cgroups)", "What the policy says is what a run gets."));
        }

        return Dimension("host", "layers this host can actually enforce", 0.7, Combine(doors), findings);
    }
}
