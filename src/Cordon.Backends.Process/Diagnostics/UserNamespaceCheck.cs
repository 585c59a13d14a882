using Cordon.Diagnostics;
namespace Cordon.Backends.Process.Diagnostics;

/// <summary>
/// Whether this user can create the namespaces bwrap needs: the sysctls that forbid it (Debian's
/// <c>kernel.unprivileged_userns_clone</c>, Ubuntu's <c>kernel.apparmor_restrict_unprivileged_userns</c>,
/// <c>user.max_user_namespaces</c>), then a real bwrap probe, which is the final word.
/// </summary>
internal static class UserNamespaceCheck
{
    public static HostCheck Run(string? bwrapPath, bool isRoot, out bool usable)
    {
        usable = false;
        List<string> blockers = [];
        List<string> fixes = [];
        if (HostCommands.ReadKernelFile("/proc/sys/user/max_user_namespaces") == "0")
        {
            blockers.Add("user.max_user_namespaces = 0");
            fixes.Add("sysctl -w user.max_user_namespaces=10000");
        }

        if (!isRoot && HostCommands.ReadKernelFile("/proc/sys/kernel/unprivileged_userns_clone") == "0")
        {
            blockers.Add("kernel.unprivileged_userns_clone = 0");
            fixes.Add("sysctl -w kernel.unprivileged_userns_clone=1");
        }

        string? apparmor = HostCommands.ReadKernelFile("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
        if (!isRoot && apparmor == "1")
        {
            blockers.Add("kernel.apparmor_restrict_unprivileged_userns = 1 (Ubuntu 23.10+)");
            fixes.Add("give bwrap an AppArmor profile that allows userns (Ubuntu ships bwrap-userns-restrict), or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
        }

        string settings = apparmor is null ? "" : $"; kernel.apparmor_restrict_unprivileged_userns = {apparmor}";
        if (bwrapPath is null)
            return new HostCheck("user-namespaces", LayerStatus.Missing, "not probed: bwrap is missing" + Join(blockers), "install bubblewrap first", Required: true);

        // The same namespaces and flags every run uses, around /usr/bin/true.
        var probe = HostCommands.Run(bwrapPath,
        [
            "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup", "--unshare-net",
            "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/true",
        ], TimeSpan.FromSeconds(10));
        if (probe is { ExitCode: 0 })
        {
            usable = true;
            return new HostCheck("user-namespaces", LayerStatus.Available,
                $"bwrap created user, pid, net, ipc, uts and cgroup namespaces{(isRoot ? " (as root)" : " as an unprivileged user")}{settings}", null, Required: true);
        }

        string answer = probe is null ? "bwrap could not be executed" : $"bwrap exited {probe.Value.ExitCode}: {probe.Value.Stderr}";
        string fix = fixes.Count > 0 ? string.Join("; ", fixes)
            : "check that the kernel has CONFIG_USER_NS and that no container seccomp profile or LSM blocks unshare(CLONE_NEWUSER) (docker: --security-opt seccomp=unconfined, or run Cordon on the host)";
        return new HostCheck("user-namespaces", LayerStatus.Missing, answer + Join(blockers), fix, Required: true);
    }

    private static string Join(List<string> blockers) => blockers.Count == 0 ? "" : " (" + string.Join("; ", blockers) + ")";
}
