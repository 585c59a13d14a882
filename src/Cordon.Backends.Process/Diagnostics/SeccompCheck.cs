using Cordon.Diagnostics;
using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>seccomp filters with user notification (how refused calls are named and answered), and libseccomp to compile them.</summary>
internal static class SeccompCheck
{
    public static HostCheck Run(out bool usable)
    {
        usable = false;
        string? status = HostCommands.ReadKernelFile("/proc/self/status");
        bool kernelHasSeccomp = status?.Split('\n').Any(l => l.StartsWith("Seccomp:", StringComparison.Ordinal)) == true;
        string? actions = HostCommands.ReadKernelFile("/proc/sys/kernel/seccomp/actions_avail");
        if (!kernelHasSeccomp || actions is null)
            return new HostCheck("seccomp", LayerStatus.Missing, "the kernel has no seccomp filter support (CONFIG_SECCOMP_FILTER)", "use a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER", Required: true);

        string[] available = actions.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!available.Contains("user_notif"))
            return new HostCheck("seccomp", LayerStatus.Missing, $"no user notification (actions_avail: {actions}); Cordon answers and names refused calls through it",
                "use Linux 5.0 or newer (5.5+ for the ADDFD-era fixes Cordon relies on)", Required: true);

        if (!NativeLibrary.TryLoad(Interop.Libraries.Libseccomp, out IntPtr handle))
            return new HostCheck("seccomp", LayerStatus.Missing, "the kernel supports it but libseccomp.so.2 cannot be loaded", "apt-get install libseccomp2", Required: true);
        NativeLibrary.Free(handle);

        usable = true;
        return new HostCheck("seccomp", LayerStatus.Available, $"filters with user notification; libseccomp.so.2 loaded; actions: {actions}", null, Required: true);
    }
}
