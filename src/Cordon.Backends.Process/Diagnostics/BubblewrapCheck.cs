using Cordon.Diagnostics;
using System.Text.RegularExpressions;
using Cordon.Errors;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>bwrap present and new enough, and Cordon's own launcher beside the assembly.</summary>
internal static partial class BubblewrapCheck
{
    /// <summary>bubblewrap 0.8.0 added --disable-userns, which every run passes.</summary>
    internal static readonly Version Minimum = new(0, 8, 0);

    private const string InstallFix = "apt-get install bubblewrap (0.8.0 or newer; Debian 12 and Ubuntu 24.04 ship it)";

    public static HostCheck Bubblewrap(out string? bwrapPath)
    {
        bwrapPath = null;
        try
        {
            bwrapPath = HostTools.FindBwrap();
        }
        catch (BackendUnavailableException)
        {
            return new HostCheck("bubblewrap", LayerStatus.Missing, "bwrap is not installed", InstallFix, Required: true);
        }

        var result = HostCommands.Run(bwrapPath, ["--version"], TimeSpan.FromSeconds(5));
        if (result is not { ExitCode: 0 } ok)
            return new HostCheck("bubblewrap", LayerStatus.Missing, $"{bwrapPath} --version failed: {result?.Stderr ?? "cannot execute"}", InstallFix, Required: true);

        Match match = VersionPattern().Match(ok.Stdout);
        if (!match.Success || !Version.TryParse(match.Value, out Version? version))
            return new HostCheck("bubblewrap", LayerStatus.Missing, $"cannot read the version from '{ok.Stdout}'", InstallFix, Required: true);
        if (version < Minimum)
            return new HostCheck("bubblewrap", LayerStatus.Missing, $"bubblewrap {version} at {bwrapPath} is older than {Minimum} (no --disable-userns)", InstallFix, Required: true);
        return new HostCheck("bubblewrap", LayerStatus.Available, $"bubblewrap {version} at {bwrapPath}", null, Required: true);
    }

    public static HostCheck Launcher()
    {
        try
        {
            string path = HostTools.FindLauncher();
            return new HostCheck("launcher", LayerStatus.Available, $"cordon-launch at {path}", null, Required: true);
        }
        catch (BackendUnavailableException e)
        {
            return new HostCheck("launcher", LayerStatus.Missing, e.Message, e.Fix, Required: true);
        }
    }

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionPattern();
}
