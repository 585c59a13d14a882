using System.Diagnostics;
using System.Runtime.Versioning;
using Cordon.Backends.Process.Cgroups;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>Starts a real process that joins a run's cgroups first, as the launcher does, then execs python3.</summary>
[SupportedOSPlatform("linux")]
internal sealed class JoinedProcess : IDisposable
{
    private const string Python = "/usr/bin/python3";

    // $0 is the python program, "$@" the join directories. Exit 99 when a join fails, so a test never
    // measures a process that runs outside its cgroup.
    private const string JoinScript =
        "for d in \"$@\"; do echo $$ > \"$d/cgroup.procs\" || exit 99; done; exec " + Python + " -c \"$0\"";

    private readonly System.Diagnostics.Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private JoinedProcess(System.Diagnostics.Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Pid => _process.Id;

    public static JoinedProcess Start(RunCgroup run, string pythonProgram)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(JoinScript);
        startInfo.ArgumentList.Add(pythonProgram);
        foreach (string directory in run.JoinDirectories) startInfo.ArgumentList.Add(directory);
        return new JoinedProcess(System.Diagnostics.Process.Start(startInfo)!);
    }

    /// <summary>
    /// Waits for exit and for the output pipes to close, both bounded by <paramref name="timeout"/> (a descendant
    /// that keeps the pipes open must not hang the test). .NET reports death by signal N as exit code 128+N.
    /// </summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        await Task.WhenAll(_stdout, _stderr).WaitAsync(cancellation.Token);
        return (_process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
