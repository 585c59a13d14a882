using System.Diagnostics;
using System.Text;

namespace Cordon.Cli.Tests.Support;

/// <summary>The real, built cordon CLI run as a child process, and host-side checks of what a run left behind.</summary>
internal static class CordonCli
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "cordon.dll");

    /// <summary>The shell words that start cordon, for bash -c scripts.</summary>
    public static string Command { get; } = $"dotnet {Dll}"; // unquoted: bash splits $CORDON into words, and the path has no spaces

    public static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(5);

    public sealed record Outcome(int Code, string Stdout, string Stderr, int Pid);

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> args, bool redirectInput = true)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        foreach (string a in args) start.ArgumentList.Add(a);
        return start;
    }

    public static Task<Outcome> RunAsync(params string[] args) => RunProgramAsync("dotnet", [Dll, .. args]);

    /// <summary>A bash script (for redirections and pipelines); <c>$CORDON</c> starts the CLI.</summary>
    public static Task<Outcome> BashAsync(string script, string? workingDirectory = null)
    {
        ProcessStartInfo start = StartInfo("bash", ["-c", script]);
        start.Environment["CORDON"] = Command;
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        return RunAsync(start);
    }

    public static Task<Outcome> RunProgramAsync(string program, IEnumerable<string> args) => RunAsync(StartInfo(program, args));

    public static async Task<Outcome> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        if (start.RedirectStandardInput) process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(SafetyNet);
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await stdout, await stderr, process.Id);
    }

    /// <summary>Run cgroups whose name carries <paramref name="pid"/>, in every hierarchy.</summary>
    public static List<string> CgroupsOf(int pid)
    {
        List<string> found = [];
        foreach (string root in new[] { "/sys/fs/cgroup" }.Where(Directory.Exists))
        {
            try
            {
                found.AddRange(Directory.EnumerateDirectories(root, $"cordon-{pid}-*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 6, IgnoreInaccessible = true }));
            }
            catch (IOException)
            {
            }
        }

        return found;
    }

    /// <summary>Processes whose command line contains <paramref name="marker"/> (a unique argument given to the guest).</summary>
    public static List<int> ProcessesWith(string marker)
    {
        List<int> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal) && !cmdline.Contains("cordon.dll", StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits (bounded by the safety net) until <paramref name="condition"/> holds; returns whether it did.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        // A bounded number of polls, 50 ms apart: the safety net, never a measurement.
        for (long polls = (long)(SafetyNet.TotalMilliseconds / 50); polls > 0; polls--)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }

        return condition();
    }

    /// <summary>Runs <paramref name="command"/> on a new pseudo-terminal of <paramref name="rows"/> × <paramref name="columns"/> (see pty_run.py).</summary>
    public static async Task<System.Text.Json.JsonElement> InTerminalAsync(int rows, int columns, string[] options, params string[] command)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "Support", "pty_run.py");
        Outcome run = await RunProgramAsync("python3", [helper, rows.ToString(System.Globalization.CultureInfo.InvariantCulture), columns.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options, "--", "dotnet", Dll, .. command]);
        Assert.True(run.Code == 0, $"pty helper failed: {run.Stderr}");
        return System.Text.Json.JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    public static string Unique(string prefix) => $"{prefix}{Environment.ProcessId}{Random.Shared.Next(100000, 999999)}";

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
