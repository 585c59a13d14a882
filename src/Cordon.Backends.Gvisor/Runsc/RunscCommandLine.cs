using System.Diagnostics;
using Cordon.Backends.Gvisor.Bundle;

namespace Cordon.Backends.Gvisor.Runsc;

/// <summary>runsc's command lines for one run: its flags are the enforcement, so they are fixed here and nowhere else.</summary>
internal static class RunscCommandLine
{
    /// <summary>The syscalls the Sentry traces into its log, for the process-limit verdict (their arguments are numbers only).</summary>
    public const string TracedSyscalls = "clone,clone3,fork,vfork";

    /// <summary>
    /// Flags every runsc call of a run takes: rootless (no host root needed, none used), no network at all (this build's
    /// <c>sandbox</c> network is the host's when rootless), no cgroups of runsc's own (Cordon's cgroup is around it),
    /// and the run's own state root.
    /// </summary>
    public static IEnumerable<string> Global(RunDirectory run) =>
        ["--rootless", "--network=none", "--ignore-cgroups", "--platform=" + Supervision.GvisorRun.Platform, "--root=" + run.State];

    /// <summary>
    /// <c>runsc run</c>: runsc and the Sentry log to descriptor 4 (a pipe the supervisor reads; runsc's run command
    /// refuses --debug-log-fd, so the path names the inherited descriptor), with fork-family syscalls traced.
    /// </summary>
    public static IEnumerable<string> Run(string runsc, RunDirectory run, string containerId) =>
    [
        runsc, .. Global(run), "--debug", "--debug-log=/proc/self/fd/4", "--debug-command=run,boot",
        "--strace", "--strace-syscalls=" + TracedSyscalls, "run", "--bundle=" + run.Bundle, containerId,
    ];

    /// <summary>Runs a runsc housekeeping command (kill, delete), bounded to five seconds, output discarded.</summary>
    public static void RunQuietly(string runsc, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(runsc) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                // Kill only sends the signal: wait for the exit too, so no runsc of this run outlives the call.
                process.Kill(entireProcessTree: true);
                _ = process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Housekeeping only: the cgroup kill and the process sweep do not depend on it.
        }
    }
}
