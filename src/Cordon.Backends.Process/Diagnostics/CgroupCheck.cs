using Cordon.Diagnostics;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Which cgroup interface Cordon would use for a run, and which controllers this user can write.</summary>
internal static class CgroupCheck
{
    public static HostCheck Run(bool isRoot, out bool usable)
    {
        CgroupAvailability availability = CgroupProvider.Shared.Availability;
        usable = availability.IsUsable;
        switch (availability.Version)
        {
            case CgroupVersion.V2:
                CgroupHierarchy v2 = availability.Hierarchies[0];
                return new HostCheck("cgroups", LayerStatus.Available,
                    $"cgroup v2 at {v2.Directory}: {string.Join(", ", v2.Controllers.Order(StringComparer.Ordinal))} writable for runs", null, Required: true);
            case CgroupVersion.V1:
                string hierarchies = string.Join("; ", availability.Hierarchies.Select(h => $"{h.Name} ({h.Directory})"));
                return new HostCheck("cgroups", LayerStatus.Available, $"cgroup v1, writable hierarchies: {hierarchies}", null, Required: true);
            default:
                string fix = isRoot
                    ? "mount cgroup v2 with the memory, pids and cpu controllers (or the memory, pids and cpuacct v1 hierarchies) and make them writable"
                    : "run Cordon in a delegated cgroup v2 subtree (systemd-run --user -p Delegate=yes --scope cordon ...), or run it as root";
                return new HostCheck("cgroups", LayerStatus.Degraded,
                    $"{availability.Reason}; runs fall back to per-process rlimits (RLIMIT_AS for memory, RLIMIT_CPU), the process count is not limited and usage is not measured",
                    fix, Required: true);
        }
    }
}
