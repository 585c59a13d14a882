using Cordon.Errors;

namespace Cordon.Backends.Process;

/// <summary>Finds the host programs the process tier needs, failing with the fix when one is missing.</summary>
internal static class HostTools
{
    /// <summary>Environment variable that points at a cordon-launch build (tests and custom installs).</summary>
    public const string LauncherVariable = "CORDON_LAUNCHER";

    public static string FindBwrap()
    {
        foreach (string candidate in new[] { "/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap" })
        {
            if (File.Exists(candidate)) return candidate;
        }

        throw new BackendUnavailableException("bwrap", "bubblewrap is not installed", "apt-get install bubblewrap (or your distribution's bubblewrap package)");
    }

    public static string FindLauncher()
    {
        string? configured = Environment.GetEnvironmentVariable(LauncherVariable);
        string path = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "cordon-launch") : configured;
        if (!File.Exists(path))
        {
            throw new BackendUnavailableException("cordon-launch", $"the in-sandbox launcher is missing at '{path}'",
                "rebuild Cordon (dotnet build compiles native/launcher with gcc) or set CORDON_LAUNCHER");
        }

        return path;
    }
}
