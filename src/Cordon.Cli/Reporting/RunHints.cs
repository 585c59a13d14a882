using System.Text;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Cli.Commands;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Cli.Reporting;

/// <summary>
/// The lines after the summary that say what to do: which program was missing and which option grants it, which limit
/// fired with its value and the flag that sets it, why the run stopped early.
/// </summary>
internal static class RunHints
{
    public static string Format(SandboxResult result, RunOptions options, string? brokenStream, RunParseContext host)
    {
        var text = new StringBuilder();
        foreach (string hint in For(result, options, brokenStream, host)) text.Append("cordon: ").Append(UntrustedText.ForSingleLine(hint)).Append('\n');
        return text.ToString();
    }

    internal static IEnumerable<string> For(SandboxResult result, RunOptions options, string? brokenStream, RunParseContext host)
    {
        ResourceLimits limits = result.Limits;
        if (brokenStream is not null)
        {
            yield return $"stopped: the reader of cordon's {brokenStream} went away (EPIPE), so every guest process was killed, as a shell pipeline stops (exit 141)";
            yield break;
        }

        switch (result.Outcome)
        {
            case SandboxOutcome.ExecFailed when result.ExitCode == 127:
                yield return NotFound(options, host);
                break;
            case SandboxOutcome.ExecFailed when result.ExitCode == 126:
                yield return $"program '{options.Program}' exists inside the sandbox but cannot be executed: it is a directory, lacks execute permission, or its interpreter is not granted";
                break;
            case SandboxOutcome.WallTimeExceeded:
                yield return Limit("wall-clock limit", limits.WallTime is { } w ? DurationText.Format(w) : null, "--time", "20s");
                break;
            case SandboxOutcome.CpuTimeExceeded when options.Tier.Name == "wasm" && options.TierSettings["--fuel"] != "none":
                yield return "the fuel budget or the CPU-time limit ran out; raise them with --fuel N and --cpu D (or lift them with --fuel none, --cpu none)";
                break;
            case SandboxOutcome.CpuTimeExceeded:
                yield return Limit("CPU-time limit", limits.CpuTime is { } c ? DurationText.Format(c) : null, "--cpu", "10s");
                break;
            case SandboxOutcome.MemoryExceeded:
                yield return Limit("memory limit", limits.MemoryBytes is { } m ? ByteSize.Format(m) : null, "--memory", "1G");
                break;
            case SandboxOutcome.ProcessLimitExceeded:
                yield return Limit("process limit", limits.MaxProcesses?.ToString(System.Globalization.CultureInfo.InvariantCulture), "--pids", "256");
                break;
            case SandboxOutcome.OutputExceeded:
                yield return Limit("output limit", limits.MaxOutputBytes is { } o ? ByteSize.Format(o) + " per stream" : null, "--output", "16M")
                    + "; --output-action truncate keeps the run going and drops the rest";
                break;
            case SandboxOutcome.DiskExceeded:
                yield return Limit("disk budget of each writable grant", limits.DiskBytes is { } d ? ByteSize.Format(d) + (limits.DiskInodes is { } n ? $" and {n} files" : "") : null, "--disk", "4G:200000");
                break;
            case SandboxOutcome.SyscallDenied:
                yield return "--on-violation errno lets a refused call fail with EPERM instead of killing the run; --allow-syscalls names the calls to allow";
                break;
        }

        if (result.Outcome != SandboxOutcome.OutputExceeded && (result.StandardOutput.Truncated || result.StandardError.Truncated) && limits.MaxOutputBytes is { } cap)
            yield return $"output beyond {ByteSize.Format(cap)} per stream was dropped; raise the limit with --output (e.g. --output 16M)";
    }

    private static string Limit(string what, string? value, string flag, string example)
        => $"the {what} is {value ?? "unset"}; raise it with {flag} (e.g. {flag} {example}) or lift it with {flag} none";

    /// <summary>Names the program, says whether and where it exists on the host, and which option would grant it.</summary>
    internal static string NotFound(RunOptions options, RunParseContext host)
    {
        string program = options.Program;
        string start = $"program '{program}' was not found inside the sandbox";
        if (!program.Contains('/'))
        {
            string? found = (host.Variable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
            return found is null
                ? $"{start} (the guest's PATH is {LaunchCommandLine.GuestPath}); it is not on the host's PATH either: install it, or grant it with --ro HOST:GUEST and run it by its guest path"
                : $"{start} (the guest's PATH is {LaunchCommandLine.GuestPath}); on the host it is {found}, which is not granted: add --ro {Path.GetDirectoryName(found)} and run it as {found}, or --file /prog={found} for the file alone";
        }

        string onHost = host.Absolute(program);
        bool relative = !program.StartsWith('/');
        if (!File.Exists(onHost))
        {
            return relative
                ? $"{start} (a relative path starts at the guest's working directory, {options.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath}); {onHost} does not exist on the host either"
                : $"{start}; {onHost} does not exist on the host either";
        }

        string directory = Path.GetDirectoryName(onHost)!;
        return relative
            ? $"{start}: relative paths start at the guest's {options.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath}; on the host it is {onHost}, which is not granted: add -w {Environment.CurrentDirectory} to work in this directory as /work, or --ro {directory} and run it as {onHost}, or --file /prog={onHost} for the file alone"
            : $"{start}; on the host it is {onHost}, which is not granted: add --ro {directory}, or --file {onHost}={onHost} for the file alone";
    }
}
