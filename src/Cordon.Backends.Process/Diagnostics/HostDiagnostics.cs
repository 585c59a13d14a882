using Cordon.Diagnostics;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>
/// Checks which of the process tier's layers this host can enforce (isolate's <c>isolate-check-environment</c>):
/// bubblewrap, user namespaces, cgroups, seccomp with user notification, Landlock, privileges, plus facts about
/// containers and later tiers. Read-only except for the probe cgroup and the optional end-to-end run.
/// </summary>
public static class HostDiagnostics
{
    /// <summary>Checks every layer with the default run-uid range (what <c>cordon doctor</c> and a service's health report show).</summary>
    /// <param name="endToEnd">Also run <c>true</c> under the default policy (what <c>cordon doctor</c> does; <c>cordon audit</c> skips it).</param>
    /// <param name="cancellationToken">Cancels the end-to-end run.</param>
    public static async Task<HostReport> RunAsync(bool endToEnd, CancellationToken cancellationToken = default)
        => await RunAsync(endToEnd, Identity.HostIdentityRange.Default, cancellationToken).ConfigureAwait(false);

    /// <summary>Checks every layer, naming <paramref name="identities"/> as the range runs get as root.</summary>
    /// <param name="endToEnd">Also run <c>true</c> under the default policy.</param>
    /// <param name="identities">The host uid range runs get as root (shown by <c>cordon doctor</c>).</param>
    /// <param name="cancellationToken">Cancels the end-to-end run.</param>
    public static async Task<HostReport> RunAsync(bool endToEnd, Identity.HostIdentityRange identities, CancellationToken cancellationToken = default)
    {
        uint uid = Interop.Libc.GetEuid();
        bool isRoot = uid == 0;
        List<HostCheck> checks = [BubblewrapCheck.Bubblewrap(out string? bwrap), BubblewrapCheck.Launcher()];
        checks.Add(UserNamespaceCheck.Run(bwrap, isRoot, out bool namespaces));
        checks.Add(SeccompCheck.Run(out bool seccomp));
        checks.Add(LandlockCheck.Run(out int landlock));
        checks.Add(CgroupCheck.Run(isRoot, out bool cgroups));
        checks.Add(isRoot
            ? new HostCheck("privileges", LayerStatus.Available, $"running as root: each run in flight gets its own host uid and gid from {identities} (held in {Identity.RunIdentityPool.StateDirectory}/ids) before bwrap; writable grants are idmapped so files land owned by the directory's owner; no capabilities, no_new_privs", null, Required: true)
            : new HostCheck("privileges", LayerStatus.Available, $"rootless (uid {uid}): every run keeps this uid (there is no other to give it), so runs share its per-user kernel limits and files they write are yours; no capabilities, no_new_privs", null, Required: true));
        if (endToEnd) checks.Add(await EndToEndCheck.RunAsync(cancellationToken).ConfigureAwait(false));
        string release = HostCommands.ReadKernelFile("/proc/sys/kernel/osrelease") ?? "unknown";
        checks.Add(new HostCheck("kernel", LayerStatus.Info, $"Linux {release} ({RuntimeInformation.OSArchitecture}; {RuntimeInformation.OSDescription})", null, Required: false));
        checks.Add(ContainerCheck.Run());
        checks.Add(TierToolsCheck.MicroVm());
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
