using Cordon.Diagnostics;
namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Whether Cordon itself runs inside a container; the other checks then describe what that container allows.</summary>
internal static class ContainerCheck
{
    public static HostCheck Run()
    {
        string? found = null;
        if (File.Exists("/.dockerenv")) found = "docker (/.dockerenv)";
        else if (File.Exists("/run/.containerenv")) found = "podman (/run/.containerenv)";
        else if (HostCommands.ReadKernelFile("/proc/1/environ") is { } environ
            && environ.Split('\0').FirstOrDefault(v => v.StartsWith("container=", StringComparison.Ordinal)) is { } variable)
            found = $"{variable["container=".Length..]} (container= in pid 1's environment)";
        else if (HostCommands.ReadKernelFile("/proc/1/cgroup") is { } cgroup
            && new[] { "docker", "kubepods", "containerd", "lxc", "libpod" }.FirstOrDefault(k => cgroup.Contains(k, StringComparison.Ordinal)) is { } kind)
            found = $"{kind} (pid 1's cgroup path)";

        return found is null
            ? new HostCheck("container", LayerStatus.Info, "not inside a container (no marker files, container= variable or container cgroup found)", null, Required: false)
            : new HostCheck("container", LayerStatus.Info, $"running inside {found}; the rows above reflect what this container permits", null, Required: false);
    }
}
