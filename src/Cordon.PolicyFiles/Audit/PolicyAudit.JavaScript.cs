using System.Collections.Immutable;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    /// <summary>
    /// Audits <paramref name="policy"/> as the JavaScript tier applies it. On its own (<paramref name="contained"/> false)
    /// the tier writes no file and has no network API whatever the policy says, and its syscall, privilege and host layers
    /// do not exist: the script runs in the calling process, so the boundary finding says so. Contained, the runner is a
    /// process-tier guest under the same policy, and every process-tier dimension applies as well.
    /// </summary>
    public static AuditReport AuditJavaScriptTier(SandboxPolicy policy, bool contained, HostEnforcement? host = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ImmutableArray<AuditDimension> dimensions = contained
            ? [JavaScriptBoundary(contained), FilesystemWrite(policy), FilesystemRead(policy), Network(policy), Environment(policy),
               Syscalls(policy), Limits(policy), Privileges(policy, host), Enforcement(policy, host)]
            : [JavaScriptBoundary(contained), JavaScriptWrites(policy), FilesystemRead(WithoutSystemDirectories(policy)), JavaScriptNetwork(policy), Environment(policy), Limits(policy)];

        double closed = 1;
        foreach (AuditDimension dimension in dimensions) closed *= 1 - (dimension.Weight * dimension.Exposure / 10);
        return new AuditReport(Math.Clamp(10 * (1 - closed), 0, 10), dimensions);
    }

    /// <summary>readFile reaches the policy's grants only, never the system directories a process guest sees.</summary>
    private static SandboxPolicy WithoutSystemDirectories(SandboxPolicy policy) => new SandboxPolicyBuilder(policy).WithSystemDirectories(false).Build();

    private static AuditDimension JavaScriptBoundary(bool contained)
    {
        List<AuditFinding> findings = [];
        double exposure;
        if (contained)
        {
            exposure = 0.5;
            findings.Add(new AuditFinding("js.contained", FindingSeverity.Info, "tier",
                "JavaScript tier, contained: the engine runs as a process-tier guest",
                "An engine or host-function bug lands in a namespaced, seccomp-filtered, Landlocked, cgroup-limited process, and the whole run has a cgroup memory cap."));
        }
        else
        {
            exposure = 4;
            findings.Add(new AuditFinding("js.in-process", FindingSeverity.Medium, "tier",
                "JavaScript tier in process: the script's only boundary is the engine",
                "Jint is memory-safe managed code with no CLR access, but it, Cordon's host code and every granted host function run inside the calling process with its privileges: one engine bug is a host compromise. Its memory limit counts the run's allocations, checked between statements and before the built-ins that allocate large blocks at once; no cgroup caps the process.",
                "--contain (the runner becomes a process-tier guest) for hostile or multi-tenant scripts"));
        }

        return Dimension("tier", "the isolation boundary around the script", 0.6, exposure, findings);
    }

    private static AuditDimension JavaScriptWrites(SandboxPolicy policy)
    {
        List<AuditFinding> findings =
        [
            new("js.no-writes", FindingSeverity.Info, "filesystem",
                "the JavaScript tier writes no file: read-write grants are readable through readFile only",
                "The script has no API that creates, changes or deletes a file."),
        ];
        return Dimension("filesystem-write", "host files the guest can change", 0.9, 0, findings);
    }

    private static AuditDimension JavaScriptNetwork(SandboxPolicy policy)
    {
        List<AuditFinding> findings =
        [
            new(policy.Network.Mode == NetworkMode.None ? "js.no-network" : "js.network-unused", FindingSeverity.Info, "network",
                policy.Network.Mode == NetworkMode.None
                    ? "no network: the JavaScript tier has no socket, fetch or XMLHttpRequest"
                    : $"network = \"{Cordon.Contracts.WireNames.Network(policy.Network.Mode)}\" opens nothing in the JavaScript tier (no network API exists)",
                "A script cannot open a connection in any mode; only a granted host function could reach the network."),
        ];
        return Dimension("network", "what the guest can reach over the network", 0.85, 0, findings);
    }
}
