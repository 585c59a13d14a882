using System.Diagnostics;
using System.Globalization;

namespace Cordon.Selftest.Canaries;

/// <summary>
/// A host process the guest must not see, signal, stop or trace. It runs as uid 65534 when the suite runs as root, the
/// same host uid as the sandbox, so the pid namespace (not a uid mismatch) is what protects it. Its environment holds
/// the environment canary, for a guest that reads other processes' /proc/PID/environ.
/// </summary>
internal sealed class VictimProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _startTime;

    private VictimProcess(Process process, string marker)
    {
        _process = process;
        Marker = marker;
        _startTime = StartTime(process.Id) ?? "";
    }

    public int Pid => _process.Id;

    /// <summary>The victim's argument, unique per probe: the guest printing it means it saw a host process.</summary>
    public string Marker { get; }

    public static VictimProcess Start(string environmentSecretName, string environmentSecret, string marker)
    {
        bool dropToNobody = Interop.Libc.GetEuid() == 0 && File.Exists("/usr/bin/setpriv");
        var start = new ProcessStartInfo(dropToNobody ? "/usr/bin/setpriv" : "sleep") { UseShellExecute = false };
        if (dropToNobody)
        {
            foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "sleep" }) start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add(marker);
        start.Environment[environmentSecretName] = environmentSecret;
        Process process = Process.Start(start) ?? throw new InvalidOperationException("sleep did not start");
        var victim = new VictimProcess(process, marker);
        // setpriv execs sleep in place; wait until it has, so the state checked later is sleep's own.
        for (int i = 0; i < 200 && !victim.CommandLine().Contains(marker, StringComparison.Ordinal); i++) Thread.Sleep(2);
        return victim;
    }

    /// <summary>What is wrong with the victim now (killed, stopped, traced, replaced), or null.</summary>
    public string? Problem()
    {
        if (_process.HasExited) return $"host victim process {Pid} was killed (exit {ExitDescription()})";
        if (StartTime(Pid) != _startTime) return $"host victim process {Pid} was replaced";
        string status;
        try { status = File.ReadAllText($"/proc/{Pid}/status"); }
        catch (IOException) { return $"host victim process {Pid} vanished"; }

        string state = Field(status, "State:");
        if (state.StartsWith('T') || state.StartsWith('t')) return $"host victim process {Pid} was stopped ({state})";
        string tracer = Field(status, "TracerPid:");
        if (tracer != "0") return $"host victim process {Pid} is traced by pid {tracer}";
        return null;
    }

    private string ExitDescription()
    {
        try { return _process.ExitCode.ToString(CultureInfo.InvariantCulture); }
        catch (InvalidOperationException) { return "?"; }
    }

    private string CommandLine()
    {
        try { return File.ReadAllText($"/proc/{Pid}/cmdline"); }
        catch (IOException) { return ""; }
    }

    private static string Field(string status, string key)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal)) return line[key.Length..].Trim();
        }

        return "";
    }

    /// <summary>Field 22 of /proc/PID/stat: distinguishes a pid reused by another process.</summary>
    internal static string? StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return rest.Length > 19 ? rest[19] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
