using System.Collections.Immutable;
using Cordon.Contracts;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Mcp.Tools;

/// <summary>
/// One line per refusal or limit of a run, written for an agent: what stopped the code and what it can do about it
/// (change the code, ask for a lower-but-sufficient limit, or ask the user to widen the server's policy).
/// </summary>
internal static class RefusalExplanations
{
    private static readonly ImmutableHashSet<string> NetworkCalls = ["socket", "connect", "bind", "listen", "accept", "accept4", "sendto", "socketpair"];

    public static ImmutableArray<string> For(RunDocument run, SandboxPolicy ceiling)
    {
        var lines = ImmutableArray.CreateBuilder<string>();
        LimitsDocument l = run.Limits;
        ResourceLimits c = ceiling.Limits;
        switch (run.Reason)
        {
            case "limit.wall_time":
                lines.Add($"the run was stopped at its wall-time limit ({l.Time ?? "none"}); make the code finish sooner (no waiting on input or the network), or ask for limits.time up to the server's {Text(c.WallTime)}");
                break;
            case "limit.cpu_time":
                lines.Add($"the run used up its CPU time ({l.Cpu ?? "none"}); do less work per call (smaller input, a cheaper algorithm), or ask for limits.cpu up to the server's {Text(c.CpuTime)}");
                break;
            case "limit.memory":
                lines.Add($"the run went over its memory limit ({Bytes(l.MemoryBytes)}); use less memory (stream instead of loading everything), or ask for limits.memory up to the server's {Bytes(c.MemoryBytes)}");
                break;
            case "limit.pids":
                lines.Add($"the run tried to start more processes or threads than its limit ({l.Pids?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}); use fewer workers, or ask for limits.pids up to the server's {c.MaxProcesses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no limit"}");
                break;
            case "limit.output":
                lines.Add($"the run wrote more than its output limit ({Bytes(l.OutputBytes)}) and was stopped; print less (a summary, the first lines), or write results to a file in the workspace and read_file them");
                break;
            case "limit.disk":
                lines.Add("the run wrote more to disk than its budget allows; write less, or delete files it no longer needs");
                break;
            case "limit.fuel":
                lines.Add($"the WebAssembly module ran out of fuel (its instruction budget); do less work per call, or ask for limits.fuel up to the server's {CallLimits.FuelCeiling}");
                break;
            case "limit.statements":
                lines.Add("the JavaScript ran out of its statement budget; do less work per call");
                break;
            case "trap.recursion_limit":
                lines.Add("the JavaScript recursed deeper than the tier allows; make the recursion iterative");
                break;
            case "exec.not_found":
                lines.Add("the program was not found inside the sandbox: only the host's read-only system directories and /work are visible; check the name (e.g. python3, /bin/sh) or pass the file in files");
                break;
            case "exec.not_executable":
                lines.Add("the program is not executable inside the sandbox; run it through its interpreter (e.g. argv [\"/bin/sh\", \"/work/script.sh\"])");
                break;
            case "canceled.caller":
                lines.Add("the run was canceled by the client before it finished");
                break;
            case "setup.error":
                lines.Add($"the sandbox could not be set up: {run.Detail}; this is the server's or host's problem, not the code's; tell the user");
                break;
        }

        if (run.Reason == "signal.25")
            lines.Add($"the program was stopped for writing a file larger than its limit ({Bytes(l.FileSizeBytes)}); write less, or ask for limits.fsize up to the server's {Bytes(c.FileSizeBytes)}");
        else if (run.Reason.StartsWith("signal.", StringComparison.Ordinal))
            lines.Add($"the program was killed by signal {run.Signal}; if it was not sent by the program itself, it crashed (e.g. 11 is a segmentation fault)");
        if (run.Reason.StartsWith("trap.", StringComparison.Ordinal) && run.Reason != "trap.recursion_limit")
            lines.Add($"the WebAssembly module trapped ({run.Reason[5..]}); that is a bug in the module, not a refusal");

        foreach (ViolationDocument v in run.Violations)
        {
            if (v.Kind == "network")
            {
                lines.Add(NetworkLine(v, ceiling));
                continue;
            }

            string verdict = v.Action == "kill" ? "and the program was killed for it" : "and the call failed with an error";
            string name = v.Syscall ?? "unknown";
            lines.Add(NetworkCalls.Contains(name)
                ? $"system call {name} was refused {v.Count}× {verdict}: the network is off in this sandbox (the server's policy is network = {Cordon.Contracts.WireNames.Network(ceiling.Network.Mode)}); do without it, or ask the user to allow the host you need"
                : $"system call {name} was refused {v.Count}× {verdict}: the server's syscall profile does not allow it; do without it (no ptrace, mount, kernel modules, namespaces), or ask the user for a policy that allows {name}");
        }

        if (run.Js is { } js)
        {
            foreach (string denial in js.Denials)
                lines.Add($"the JavaScript tier refused: {denial}; it has no such API (no files, network or processes); compute in plain JavaScript or use another runtime");
        }

        if (run.StdoutTruncated) lines.Add($"stdout was cut at {Bytes(l.OutputBytes)} of {run.StdoutBytes} bytes; print less, or write to a file and read_file it");
        if (run.StderrTruncated) lines.Add($"stderr was cut at {Bytes(l.OutputBytes)} of {run.StderrBytes} bytes");
        foreach (string warning in run.Warnings) lines.Add("warning: " + warning);
        return lines.ToImmutable();
    }

    /// <summary>A refusal of the allowlist: where the code tried to go, how, why it was refused, and what it may reach instead.</summary>
    private static string NetworkLine(ViolationDocument v, SandboxPolicy ceiling)
    {
        string allowed = ceiling.Network.Allowed.IsEmpty ? "nothing" : string.Join(", ", ceiling.Network.Allowed);
        string where = v.Via == "dns"
            ? $"the name lookup of {v.Host}{(v.Address is null ? "" : $" (answer {v.Address})")}"
            : $"the {v.Via ?? "connection"} to {(v.Host is null ? "" : $"{v.Host} (")}{v.Address}{(v.Host is null ? "" : ")")}{(v.Port is > 0 ? $":{v.Port}" : "")}/{v.Protocol}";
        return $"{where} was refused {v.Count}× ({v.Reason}): the server's network allowlist permits only {allowed}; use one of those, or ask the user to allow the destination you need";
    }

    private static string Text(TimeSpan? t) => t is { } d ? DurationText.Format(d) : "no limit";

    private static string Bytes(long? b) => b is { } n ? ByteSize.Format(n) : "no limit";
}
