using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>
/// Checks which of the process tier's layers this host can enforce (isolate's <c>isolate-check-environment</c>):
/// bubblewrap, user namespaces, cgroups, seccomp with user notification, Landlock, privileges, plus facts about
/// containers and later tiers. Read-only except for the probe cgroup and the optional end-to-end run.
/// </summary>
internal static class HostDiagnostics
{
    /// <param name="endToEnd">Also run <c>true</c> under the default policy (what <c>cordon doctor</c> does; <c>cordon audit</c> skips it).</param>
    /// <param name="cancellationToken">Cancels the end-to-end run.</param>
    public static async Task<HostReport> RunAsync(bool endToEnd, CancellationToken cancellationToken = default)
    {
        uint uid = Interop.Libc.GetEuid();
        bool isRoot = uid == 0;
        List<HostCheck> checks = [BubblewrapCheck.Bubblewrap(out string? bwrap), BubblewrapCheck.Launcher()];
        checks.Add(UserNamespaceCheck.Run(bwrap, isRoot, out bool namespaces));
        checks.Add(SeccompCheck.Run(out bool seccomp));
        checks.Add(LandlockCheck.Run(out int landlock));
        checks.Add(CgroupCheck.Run(isRoot, out bool cgroups));
        checks.Add(isRoot
            ? new HostCheck("privileges", LayerStatus.Available, "running as root: every run drops to uid 65534 before bwrap; no capabilities, no_new_privs", null, Required: true)
            : new HostCheck("privileges", LayerStatus.Available, $"rootless (uid {uid}): no capabilities, no_new_privs", null, Required: true));
        if (endToEnd) checks.Add(await EndToEndCheck.RunAsync(cancellationToken).ConfigureAwait(false));
        string release = HostCommands.ReadKernelFile("/proc/sys/kernel/osrelease") ?? "unknown";
        checks.Add(new HostCheck("kernel", LayerStatus.Info, $"Linux {release} ({RuntimeInformation.OSArchitecture}; {RuntimeInformation.OSDescription})", null, Required: false));
        checks.Add(ContainerCheck.Run());
        checks.Add(TierToolsCheck.Runsc());
        checks.Add(TierToolsCheck.Wasmtime());
        return new HostReport
        {
            Checks = [.. checks],
            Uid = uid,
            CgroupsUsable = cgroups,
            LandlockAbi = landlock,
            SeccompUsable = seccomp,
            NamespacesUsable = namespaces,
        };
    }
}
