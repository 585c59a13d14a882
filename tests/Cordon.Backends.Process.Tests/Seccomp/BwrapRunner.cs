using System.Diagnostics;
using Cordon.Backends.Process.Seccomp;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>Runs a command in a minimal bubblewrap sandbox under a compiled seccomp program, without the launcher.</summary>
/// <remarks>
/// bwrap reads the program from fd 9 (<c>--seccomp 9</c>), which <c>/bin/sh</c> opens on a temporary file for it. bwrap
/// applies the program to its own pid-1 reaper as well, unless <c>asPid1</c> makes the command pid 1.
/// </remarks>
internal static class BwrapRunner
{
    internal sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>The probe's <c>NAME=RESULT</c> lines.</summary>
        internal IReadOnlyDictionary<string, string> ProbeResults => StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    internal static Result Run(SeccompProgram program, IReadOnlyList<string> command, string? standardInput = null,
        bool asPid1 = false, TimeSpan? timeout = null)
    {
        string bpfPath = Path.Combine(Path.GetTempPath(), $"cordon-seccomp-{Guid.NewGuid():N}.bpf");
        File.WriteAllBytes(bpfPath, [.. program.Bytes]);
        try
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.Environment["CORDON_TEST_BPF"] = bpfPath;
            string[] arguments =
            [
                "-c", "exec bwrap \"$@\" 9<\"$CORDON_TEST_BPF\"", "sh",
                "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv",
                "--setenv", "PATH", "/usr/bin:/bin", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--ro-bind", NativeTestPrograms.HostDirectory, "/payload",
                .. asPid1 ? (string[])["--as-pid-1"] : [],
                "--seccomp", "9", "--", .. command,
            ];
            foreach (string argument in arguments) psi.ArgumentList.Add(argument);

            using var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("cannot start /bin/sh");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (standardInput is not null) process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"bwrap {string.Join(' ', command)} did not finish");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            File.Delete(bpfPath);
        }
    }
}
