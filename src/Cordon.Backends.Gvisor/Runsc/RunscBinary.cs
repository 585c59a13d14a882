using Cordon.Errors;

namespace Cordon.Backends.Gvisor.Runsc;

/// <summary>Where runsc is: <c>CORDON_RUNSC</c>, else the first of the usual install paths, else the PATH.</summary>
internal static class RunscBinary
{
    /// <summary>An explicit runsc, for a build installed outside the PATH.</summary>
    public const string Variable = "CORDON_RUNSC";

    private static readonly string[] UsualPaths = ["/usr/bin/runsc", "/usr/sbin/runsc", "/usr/local/bin/runsc"];

    /// <summary>The absolute path of runsc.</summary>
    /// <exception cref="BackendUnavailableException">runsc is not installed.</exception>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitPath)
        {
            return Path.IsPathRooted(explicitPath) && File.Exists(explicitPath) ? explicitPath
                : throw new BackendUnavailableException("gvisor", $"{Variable}={explicitPath} is not an absolute path to an existing file", $"point {Variable} at the runsc binary, or unset it");
        }

        foreach (string path in UsualPaths.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "runsc"))))
            if (Path.IsPathRooted(path) && File.Exists(path)) return path;
        throw new BackendUnavailableException("gvisor", "runsc (gVisor) is not installed",
            "install gVisor's runsc (Debian: apt-get install runsc; or https://gvisor.dev/docs/user_guide/install/)");
    }
}
