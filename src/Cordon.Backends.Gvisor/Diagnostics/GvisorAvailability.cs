using System.Diagnostics;
using Cordon.Backends.Gvisor.Runsc;
using Cordon.Backends.Gvisor.Supervision;
using Cordon.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Gvisor.Diagnostics;

/// <summary>The gvisor tier's <c>cordon doctor</c> row: runsc, its version, the platform, and a measured start cost.</summary>
internal static class GvisorAvailability
{
    private const string Layer = "gvisor tier";

    public static async Task<HostCheck> CheckAsync(CancellationToken cancellationToken)
    {
        string runsc;
        try
        {
            runsc = RunscBinary.Find();
        }
        catch (BackendUnavailableException e)
        {
            return new HostCheck(Layer, LayerStatus.Missing, e.Message, e.Fix, Required: false);
        }

        string version = await VersionAsync(runsc, cancellationToken).ConfigureAwait(false);
        try
        {
            // The start cost as a guest sees it: bundle, cgroup, runsc, the Sentry's boot, `true`, and the cleanup.
            var clock = Stopwatch.StartNew();
            SandboxResult result = await new Tier.GvisorTier().RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"), Tiers.TierSettings.None, cancellationToken).ConfigureAwait(false);
            TimeSpan cost = clock.Elapsed;
            if (!result.IsSuccess)
                return new HostCheck(Layer, LayerStatus.Missing, $"runsc {version} at {runsc}: a run of /bin/true ended {result.Outcome} ({result.Detail})",
                    "run cordon run --tier gvisor --json -- /bin/true to see why", Required: false);
            return new HostCheck(Layer, LayerStatus.Available,
                $"runsc {version} at {runsc}, rootless, platform {GvisorRun.Platform} (systrap is not in this build; kvm is not used), start cost {cost.TotalMilliseconds:0} ms (a /bin/true run, cleanup included)",
                null, Required: false);
        }
        catch (CordonException e)
        {
            return new HostCheck(Layer, LayerStatus.Missing, $"runsc {version} at {runsc} cannot run a sandbox here: {e.Message}", "run cordon run --tier gvisor -- /bin/true for the full error", Required: false);
        }
    }

    /// <summary>The first line of <c>runsc --version</c> without its prefix (<c>0.0~20221219.0</c>).</summary>
    private static async Task<string> VersionAsync(string runsc, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(runsc, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
            string output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            string first = output.Split('\n')[0].Trim();
            return first.StartsWith("runsc version ", StringComparison.Ordinal) ? first["runsc version ".Length..] : first;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"(version unknown: {e.Message})";
        }
    }
}
