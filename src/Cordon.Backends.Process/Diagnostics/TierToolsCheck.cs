using Cordon.Diagnostics;
namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Runtimes of isolation tiers not built yet (gVisor's runsc). Optional: the process tier does not need them.</summary>
internal static class TierToolsCheck
{
    public static HostCheck Runsc()
    {
        string? path = HostCommands.Find("runsc");
        return path is null
            ? new HostCheck("gvisor (runsc)", LayerStatus.Missing, "runsc not found on PATH (needed only for the planned gVisor tier)",
                "install gVisor's runsc (https://gvisor.dev/docs/user_guide/install/) for a user-space kernel tier", Required: false)
            : new HostCheck("gvisor (runsc)", LayerStatus.Available, $"runsc at {path}", null, Required: false);
    }
}
