using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Judging;

/// <summary>
/// Decides one probe's verdict. Host facts decide; the probe's own report can only push towards ESCAPED (it says a
/// forbidden action worked) or INCONCLUSIVE (it never reached its checks, or it disagrees with the host). CONTAINED
/// needs both: every step failed the declared way, and the host saw the declared end, the seccomp refusals, intact
/// canaries, an unchanged host, and nothing left of the run.
/// </summary>
internal static class Judge
{
    private static readonly TimeSpan CpuSlack = TimeSpan.FromMilliseconds(750);
    private static readonly TimeSpan WallSlack = TimeSpan.FromSeconds(2);

    /// <param name="probe">The probe.</param>
    /// <param name="e">The evidence of its run.</param>
    /// <param name="hostFindings">Canary breaches, host changes and teardown leftovers: each one an escape.</param>
    /// <param name="environmentSecret">The value planted in the harness's own environment.</param>
    /// <param name="degradedReason">Set when the probe's limit cannot be enforced here (no cgroup).</param>
    /// <param name="duration">How long the probe took so far.</param>
    /// <param name="tier">What the tier's results can prove (null: the process tier, where all of it applies).</param>
    public static ProbeResult Decide(ProbeDefinition probe, ProbeEvidence e, IEnumerable<string> hostFindings, string environmentSecret,
        string? degradedReason, TimeSpan duration, TierJudging? tier = null)
    {
        tier ??= TierJudging.Process;
        List<Finding> findings = [.. hostFindings.Select(Finding.Escape)];
        SandboxResult r = e.Result;
        string output = e.Output;

        if (output.Contains(e.Canaries.SecretValue, StringComparison.Ordinal)) findings.Add(Finding.Escape("the secret file's contents reached the guest"));
        if (output.Contains(environmentSecret, StringComparison.Ordinal)) findings.Add(Finding.Escape("the secret in the harness's environment reached the guest"));
        if (output.Contains(e.Canaries.Victim.Marker, StringComparison.Ordinal)) findings.Add(Finding.Escape("the guest saw the host's victim process"));

        if (!e.Transcript.Began) findings.Add(Finding.Unsure($"the probe never started ({Describe(r)})"));
        if (tier.StepErrnos) JudgeSteps(probe.Expected, e.Transcript, findings);
        if (tier.NamedRefusals && e.Transcript.Steps.Count > 0) JudgeViolations(probe.Expected, r, findings);
        if (degradedReason is null && (tier.SignalEnds || probe.Expected.End != EndKind.Killed)) JudgeEnd(probe.Expected, e, findings);
        if (probe.HostCheck is { } check) findings.AddRange(check(e));

        ProbeVerdict verdict = findings.Any(f => f.Severity == FindingSeverity.Escaped) ? ProbeVerdict.Escaped
            : findings.Count > 0 ? ProbeVerdict.Inconclusive
            : degradedReason is not null ? ProbeVerdict.Degraded
            : probe.Category == ProbeCategory.Control ? ProbeVerdict.Ok
            : probe.Expected.Limit is not null ? ProbeVerdict.Limit
            : ProbeVerdict.Contained;
        ImmutableArray<string> messages = [.. findings.OrderBy(f => f.Severity).Select(f => UntrustedText.ForSingleLine(Encoding.UTF8.GetBytes(f.Message)))];
        string observed = verdict is ProbeVerdict.Escaped or ProbeVerdict.Inconclusive
            ? messages[0] + (messages.Length > 1 ? $" (+{messages.Length - 1} more)" : "")
            : Summarise(probe, e);
        return new ProbeResult
        {
            Id = probe.Id, Category = probe.Category, Description = probe.Description, Expected = probe.Expected.Text,
            Observed = observed, Verdict = verdict, Limit = verdict == ProbeVerdict.Limit ? probe.Expected.Limit : null,
            Reason = verdict == ProbeVerdict.Degraded ? degradedReason
                : messages.FirstOrDefault() ?? (tier.OutcomeOnly && probe.Category != ProbeCategory.Control && probe.Expected.End != EndKind.LimitKill ? tier.Note : null),
            Findings = messages, Ran = true,
            Duration = duration, Outcome = r.Outcome, ExitCode = r.ExitCode, Signal = r.Signal, Violations = r.Violations,
            Usage = r.Usage, WallTime = r.WallTime, ObservedProcesses = e.Chain.Processes.Count, ObservedCgroup = e.Chain.CgroupName, Run = r,
        };
    }

    private static void JudgeSteps(ProbeExpectation expected, ProbeTranscript transcript, List<Finding> findings)
    {
        foreach (ProbeStep step in transcript.Steps)
        {
            StepRule? rule = expected.Steps.FirstOrDefault(r => r.Matches(step.Name));
            string detail = step.Detail.Length > 0 ? $" ({step.Detail})" : "";
            if (rule is null) findings.Add(Finding.Unsure($"unexpected step {step.Name} {step.Token}{detail}"));
            else if (rule.AnyToken || rule.Contained.Contains(step.Token)) continue;
            else if (rule.Escaped.Contains(step.Token)) findings.Add(Finding.Escape($"{step.Name}: {step.Token}{detail}"));
            else findings.Add(Finding.Unsure($"{step.Name}: {step.Token}{detail}, expected {string.Join('|', rule.Contained)}"));
        }

        foreach (StepRule rule in expected.Steps.Where(r => r.Required && !transcript.Steps.Any(s => r.Matches(s.Name))))
        {
            findings.Add(Finding.Unsure($"step {rule.Pattern} was never reported"));
        }
    }

    /// <summary>The guest says EPERM; the host's seccomp supervisor must have refused the call (and counted it) for that to be the filter's doing.</summary>
    private static void JudgeViolations(ProbeExpectation expected, SandboxResult r, List<Finding> findings)
    {
        foreach (string name in expected.Violations.Where(n => !r.Violations.Any(v => v.Syscall == n)))
        {
            findings.Add(Finding.Unsure($"the seccomp supervisor recorded no refused {name}"));
        }
    }

    private static void JudgeEnd(ProbeExpectation expected, ProbeEvidence e, List<Finding> findings)
    {
        SandboxResult r = e.Result;
        bool cleanExit = r.Outcome == SandboxOutcome.Exited && r.ExitCode == 0;
        switch (expected.End)
        {
            case EndKind.Exits:
                if (!cleanExit) findings.Add(Finding.Unsure($"ended {Describe(r)} before its last check"));
                else if (expected.RequiresEndLine && !e.Transcript.Ended) findings.Add(Finding.Unsure("exited 0 without reaching its last check"));
                break;
            case EndKind.Killed:
                if (r.Outcome == expected.Outcome && r.Signal == expected.Signal) break;
                if (expected.AcceptsCleanExit && cleanExit && e.Transcript.Ended) break;
                findings.Add(Finding.Unsure($"expected {expected.Outcome} by signal {expected.Signal}, host saw {Describe(r)}"));
                break;
            case EndKind.LimitKill:
                JudgeLimit(expected.Limit!.Value, e, findings);
                break;
        }
    }

    private static void JudgeLimit(LimitKind limit, ProbeEvidence e, List<Finding> findings)
    {
        SandboxResult r = e.Result;
        var limits = e.Policy.Limits;
        switch (limit)
        {
            case LimitKind.Pids:
                // The limit the probe tests is the one it asked for; pids.peak is the kernel's count of its tasks.
                int taskLimit = e.IntendedPolicy.Limits.MaxProcesses ?? int.MaxValue - 2;
                int allowed = taskLimit + 2; // + the launch chain's own two tasks
                bool over = r.Usage.PeakProcesses is { } peak && peak > allowed;
                if (over) findings.Add(Finding.Escape($"{r.Usage.PeakProcesses} tasks alive at once under a limit of {taskLimit}"));
                if (!r.Usage.ProcessLimitHit)
                {
                    string what = $"the process limit never fired ({Describe(r)}, peak {r.Usage.PeakProcesses?.ToString(CultureInfo.InvariantCulture) ?? "?"} tasks)";
                    findings.Add(over ? Finding.Escape(what) : Finding.Unsure(what + ": the bomb never reached it"));
                }
                else if (r.Outcome != SandboxOutcome.ProcessLimitExceeded)
                {
                    findings.Add(Finding.Unsure($"expected process_limit_exceeded, host saw {Describe(r)}"));
                }

                break;
            case LimitKind.Memory:
                long memory = e.IntendedPolicy.Limits.MemoryBytes ?? long.MaxValue;
                if (r.Usage.PeakMemoryBytes is { } bytes && bytes > memory + (1 << 20)) findings.Add(Finding.Escape($"peak memory {bytes >> 20} MiB above the {memory >> 20} MiB limit"));
                if (!(r.Usage.OomKilled && r.Outcome == SandboxOutcome.MemoryExceeded)) findings.Add(Finding.Unsure($"expected an OOM kill inside the run's cgroup, host saw {Describe(r)}"));
                break;
            case LimitKind.Cpu:
                TimeSpan cpu = limits.CpuTime ?? TimeSpan.MaxValue;
                if (r.Usage.TotalCpuTime > cpu + CpuSlack) findings.Add(Finding.Escape($"used {r.Usage.TotalCpuTime.TotalSeconds:0.00} s of CPU under a {cpu.TotalSeconds:0.##} s limit"));
                if (r.Outcome != SandboxOutcome.CpuTimeExceeded) findings.Add(Finding.Unsure($"expected cpu_time_exceeded, host saw {Describe(r)}"));
                break;
            case LimitKind.Wall:
                TimeSpan wall = limits.WallTime ?? TimeSpan.MaxValue;
                if (r.WallTime > wall + WallSlack) findings.Add(Finding.Escape($"ran {r.WallTime.TotalSeconds:0.0} s under a {wall.TotalSeconds:0.##} s wall limit"));
                if (r.Outcome != SandboxOutcome.WallTimeExceeded) findings.Add(Finding.Unsure($"expected wall_time_exceeded, host saw {Describe(r)}"));
                break;
            case LimitKind.Output:
                long cap = limits.MaxOutputBytes ?? long.MaxValue;
                foreach (var (name, stream) in new[] { ("stdout", r.StandardOutput), ("stderr", r.StandardError) })
                {
                    if (stream.Bytes.Length > cap) findings.Add(Finding.Escape($"{name}: kept {stream.Bytes.Length} bytes above the {cap}-byte cap"));
                }

                if (r.Outcome != SandboxOutcome.OutputExceeded) findings.Add(Finding.Unsure($"expected output_exceeded, host saw {Describe(r)}"));
                break;
            default:
                findings.Add(Finding.Unsure($"no host-side rule for a {LimitKinds.Name(limit)} kill"));
                break;
        }
    }

    /// <summary>How the run ended, in the words of the JSON document.</summary>
    internal static string Describe(SandboxResult r) => r.Outcome switch
    {
        SandboxOutcome.Exited => $"exited {r.ExitCode}",
        SandboxOutcome.Signaled => $"signaled {SignalName(r.Signal)}",
        _ => Cordon.Contracts.WireNames.Outcome(r.Outcome) + (r.Signal is { } s ? $" ({SignalName(s)})" : ""),
    };

    private static string Summarise(ProbeDefinition probe, ProbeEvidence e)
    {
        SandboxResult r = e.Result;
        List<string> parts = [];
        var tokens = e.Transcript.Steps.GroupBy(s => s.Token).Select(g => g.Count() > 1 ? $"{g.Key}×{g.Count()}" : g.Key).ToList();
        if (probe.Expected.End != EndKind.Exits || r.Outcome != SandboxOutcome.Exited || r.ExitCode != 0) parts.Add(Describe(r));
        if (probe.Expected.Limit is LimitKind.Pids && r.Usage.PeakProcesses is { } peak) parts.Add($"peak {peak} tasks");
        if (probe.Expected.Limit is LimitKind.Memory && r.Usage.PeakMemoryBytes is { } bytes) parts.Add($"peak {bytes >> 20} MiB");
        if (probe.Expected.Limit is LimitKind.Cpu && e.CgroupsAvailable) parts.Add($"cpu {r.Usage.TotalCpuTime.TotalSeconds:0.00} s");
        if (probe.Expected.Limit is LimitKind.Output) parts.Add($"kept {r.StandardOutput.Bytes.Length}/{r.StandardOutput.TotalBytes} B");
        if (tokens.Count > 0) parts.Add(string.Join(' ', tokens));
        if (!r.Violations.IsEmpty) parts.Add("refused " + string.Join(' ', r.Violations.Select(v => v.Count > 1 ? $"{v.Syscall}×{v.Count}" : v.Syscall)));
        return UntrustedText.ForSingleLine(Encoding.UTF8.GetBytes(string.Join("; ", parts)));
    }

    private static string SignalName(int? signal) => signal switch
    {
        9 => "SIGKILL",
        11 => "SIGSEGV",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        6 => "SIGABRT",
        null => "no signal",
        _ => "signal " + signal.Value.ToString(CultureInfo.InvariantCulture),
    };
}
