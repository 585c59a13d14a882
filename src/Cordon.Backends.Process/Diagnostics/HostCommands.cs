using System.Diagnostics;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Runs a host tool for a diagnosis (never for a sandboxed run) with a deadline, capturing its output.</summary>
internal static class HostCommands
{
    public static (int ExitCode, string Stdout, string Stderr)? Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (-1, stdout.Result, $"timed out after {timeout.TotalSeconds:0}s");
            }

            return (process.ExitCode, stdout.Result.Trim(), stderr.Result.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The first executable named <paramref name="name"/> on PATH or in the usual system directories.</summary>
    public static string? Find(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        IEnumerable<string> directories = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin"]);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                return candidate;
        }

        return null;
    }

    /// <summary>The trimmed contents of a small kernel file (sysctl, /proc), or null when it is absent or unreadable.</summary>
    public static string? ReadKernelFile(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
