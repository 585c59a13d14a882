using Cordon.Diagnostics;
using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>The kernel's Landlock ABI: the launcher's second filesystem layer (ABI 1+) and its TCP deny rules (ABI 4+).</summary>
internal static class LandlockCheck
{
    private const int Enosys = 38;
    private const int Eopnotsupp = 95;

    /// <summary>ABI 4 (Linux 6.7) added TCP bind/connect rules, which Cordon uses when the network is off.</summary>
    internal const int NetworkAbi = 4;

    public static HostCheck Run(out int abi)
    {
        long answer = Interop.Libc.LandlockAbiVersion();
        int errno = Marshal.GetLastPInvokeError();
        if (answer < 0)
        {
            abi = 0;
            string why = errno switch
            {
                Enosys => "the kernel was built without Landlock (ENOSYS)",
                Eopnotsupp => "Landlock is built in but not enabled at boot (EOPNOTSUPP)",
                _ => $"landlock_create_ruleset failed with errno {errno} (a container's seccomp profile may refuse it)",
            };
            string fix = errno == Eopnotsupp
                ? "add landlock to the lsm= kernel parameter (e.g. lsm=landlock,lockdown,yama,apparmor,bpf) and reboot"
                : "use Linux 5.13 or newer with CONFIG_SECURITY_LANDLOCK=y";
            return new HostCheck("landlock", LayerStatus.Degraded, why + "; runs keep the mount namespace as their only filesystem layer and warn", fix, Required: true);
        }

        abi = (int)answer;
        if (abi < NetworkAbi)
        {
            return new HostCheck("landlock", LayerStatus.Degraded,
                $"ABI {abi}: filesystem rules only; no TCP rules (ABI {NetworkAbi}, Linux 6.7), so a network-less run relies on its empty network namespace and seccomp alone",
                "use Linux 6.7 or newer", Required: true);
        }

        return new HostCheck("landlock", LayerStatus.Available, $"ABI {abi}: filesystem and TCP rules", null, Required: true);
    }
}
