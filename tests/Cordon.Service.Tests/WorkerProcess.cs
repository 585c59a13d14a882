using System.Diagnostics;
using System.Text;

namespace Cordon.Service.Tests;

/// <summary>A real <c>cordon worker</c> (cordon-serve in worker mode) taking runs from a NATS queue, with the TMPDIR given.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private WorkerProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    public static async Task<WorkerProcess> StartAsync(string queue, string temporary, params string[] extra)
    {
        var start = new ProcessStartInfo(ServeProcess.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "worker", "--queue", queue }.Concat(extra)) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = temporary;
        // The runtime's diagnostic pipes would stay in TMPDIR after a SIGKILL; only the worker's own leftovers count here.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        Process process = Process.Start(start)!;
        var worker = new WorkerProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (worker._stderr) worker._stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                throw new InvalidOperationException($"cordon worker exited {process.ExitCode} before taking runs: {worker.Stderr}");
            }

            if (line.Contains("taking runs from", StringComparison.Ordinal))
            {
                _ = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is not null)
                    {
                    }
                });
                return worker;
            }
        }
    }

    /// <summary>Kills the worker outright, as a crash or the OOM killer would: no cleanup of its own runs.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        using Process kill = Process.Start("kill", ["-KILL", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the worker with SIGTERM and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _process.WaitForExitAsync(timeout.Token);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }
}
