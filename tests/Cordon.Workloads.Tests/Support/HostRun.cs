using System.Diagnostics;

namespace Cordon.Workloads.Tests.Support;

/// <summary>The same workload run bare on the host: the control that shows a failure inside is Cordon's, not the program's.</summary>
public static class HostRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <paramref name="program"/> in <paramref name="directory"/> with a small fixed environment; killed after 10 minutes.</summary>
    public static Result Run(string directory, string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = directory;
        psi.Environment["LANG"] = "C.UTF-8";
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Sh(string directory, string script) => Run(directory, "/bin/sh", "-c", script);
}
