using System.Collections.Immutable;
using System.Text;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Harness;
using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Tests;

/// <summary>The judge on fabricated evidence: a probe's word alone never makes CONTAINED, and host facts outrank it.</summary>
public sealed class JudgeTests : IDisposable
{
    private const string Nonce = "0123456789abcdef";
    private readonly string _root = Directory.CreateTempSubdirectory("cordon-selftest-judge-").FullName;
    private readonly CanarySet _canaries;

    public JudgeTests() => _canaries = CanarySet.Plant(_root, "probe", SelftestRunner.EnvironmentCanaryName, "env-secret-value", withWorkDirectory: false);

    private static readonly ProbeDefinition Probe = new()
    {
        Id = "sys-bpf", Category = ProbeCategory.Syscall, Program = new ProbeProgram(ProbeLanguage.C, "sys", ["bpf"]), Description = "bpf",
        Expected = new()
        {
            Text = "EPERM (seccomp)",
            Steps = [new StepRule("bpf-*", ["EPERM"], ["OK"], Required: true)],
            Violations = ["bpf"],
        },
    };

    private ProbeResult Decide(string stdout, SandboxOutcome outcome = SandboxOutcome.Exited, int? exitCode = 0, int? signal = null,
        IEnumerable<SyscallViolation>? violations = null, IEnumerable<string>? hostFindings = null, ProbeDefinition? probe = null,
        ResourceUsage? usage = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(stdout);
        var result = new SandboxResult(outcome, exitCode, signal, TimeSpan.FromMilliseconds(50), usage ?? ResourceUsage.None,
            new CapturedOutput(bytes, bytes.Length, false), CapturedOutput.Empty, [.. violations ?? [new SyscallViolation("bpf", 321, 2, "errno")]],
            [], SandboxPolicy.Default.Limits);
        var evidence = new ProbeEvidence
        {
            Result = result, Policy = SandboxPolicy.Default, IntendedPolicy = SandboxPolicy.Default, Transcript = ProbeTranscript.Parse(bytes, Nonce), Canaries = _canaries,
            Chain = new ObservedChain(Nonce, "200000.1"), ProbeDirectory = _root, CgroupsAvailable = true,
        };
        return Judge.Decide(probe ?? Probe, evidence, hostFindings ?? [], "env-secret-value", null, TimeSpan.Zero);
    }

    private static string Transcript(params string[] steps)
        => $"@cordon-probe begin {Nonce}\n" + string.Concat(steps.Select(s => $"@cordon-probe step {s}\n")) + $"@cordon-probe end {Nonce}\n";

    [Fact]
    public void Expected_errnos_plus_the_hosts_refusals_are_contained()
        => Assert.Equal(ProbeVerdict.Contained, Decide(Transcript("bpf-map-create EPERM", "bpf-prog-load EPERM")).Verdict);

    [Fact]
    public void A_step_that_worked_is_escaped()
    {
        ProbeResult r = Decide(Transcript("bpf-map-create OK", "bpf-prog-load EPERM"));
        Assert.Equal(ProbeVerdict.Escaped, r.Verdict);
        Assert.Contains("bpf-map-create: OK", r.Observed);
    }

    [Fact]
    public void Claiming_EPERM_without_a_refusal_recorded_by_the_host_is_inconclusive()
    {
        ProbeResult r = Decide(Transcript("bpf-map-create EPERM"), violations: []);
        Assert.Equal(ProbeVerdict.Inconclusive, r.Verdict);
        Assert.Contains("recorded no refused bpf", r.Observed);
    }

    [Fact]
    public void An_unexpected_errno_is_inconclusive_not_contained()
        => Assert.Equal(ProbeVerdict.Inconclusive, Decide(Transcript("bpf-map-create EFAULT")).Verdict);

    [Fact]
    public void Crashing_before_the_last_check_is_inconclusive()
    {
        string cut = $"@cordon-probe begin {Nonce}\n@cordon-probe step bpf-map-create EPERM\n";
        Assert.Equal(ProbeVerdict.Inconclusive, Decide(cut, SandboxOutcome.Signaled, exitCode: null, signal: 11).Verdict);
        Assert.Equal(ProbeVerdict.Inconclusive, Decide("", SandboxOutcome.Exited).Verdict);
    }

    [Fact]
    public void An_end_line_with_another_nonce_does_not_count()
        => Assert.Equal(ProbeVerdict.Inconclusive, Decide(Transcript("bpf-map-create EPERM").Replace($"end {Nonce}", "end forged", StringComparison.Ordinal)).Verdict);

    [Fact]
    public void A_host_finding_makes_a_perfect_transcript_escaped()
    {
        ProbeResult r = Decide(Transcript("bpf-map-create EPERM"), hostFindings: ["TCP listener on host 127.0.0.1 was connected to"]);
        Assert.Equal(ProbeVerdict.Escaped, r.Verdict);
        Assert.Equal("TCP listener on host 127.0.0.1 was connected to", r.Reason);
    }

    [Fact]
    public void Secrets_in_the_output_are_escapes_whatever_the_steps_say()
    {
        Assert.Equal(ProbeVerdict.Escaped, Decide(Transcript("bpf-map-create EPERM") + "leak: env-secret-value\n").Verdict);
        Assert.Equal(ProbeVerdict.Escaped, Decide(Transcript("bpf-map-create EPERM") + _canaries.SecretValue).Verdict);
        Assert.Equal(ProbeVerdict.Escaped, Decide(Transcript("bpf-map-create EPERM") + "sleep " + _canaries.Victim.Marker).Verdict);
    }

    [Fact]
    public void A_limit_probe_without_the_hosts_limit_event_is_escaped()
    {
        ProbeDefinition bomb = ProbeCatalogue.All.Single(p => p.Id == "res-fork-bomb");
        var usage = new ResourceUsage(TimeSpan.Zero, TimeSpan.Zero, null, false, 500, false);
        ProbeResult r = Decide(Transcript("fork EAGAIN after 31 children"), SandboxOutcome.WallTimeExceeded, exitCode: null, signal: 9, violations: [], probe: bomb, usage: usage);
        Assert.Equal(ProbeVerdict.Escaped, r.Verdict);
        Assert.Contains("500 tasks alive at once under a limit of 64", r.Observed);
    }

    [Fact]
    public void A_bomb_that_never_reached_its_limit_is_inconclusive_not_contained()
    {
        ProbeDefinition bomb = ProbeCatalogue.All.Single(p => p.Id == "res-fork-bomb-shell");
        var usage = new ResourceUsage(TimeSpan.Zero, TimeSpan.Zero, null, false, 20, false);
        ProbeResult r = Decide(Transcript("bomb STARTED"), SandboxOutcome.WallTimeExceeded, exitCode: null, signal: 9, violations: [], probe: bomb, usage: usage);
        Assert.Equal(ProbeVerdict.Inconclusive, r.Verdict);
        Assert.Contains("never reached it", r.Observed);
    }

    [Fact]
    public void Guest_bytes_in_findings_are_neutralised()
    {
        ProbeResult r = Decide(Transcript("bpf-map-create \u001b]52;c;x\u0007"));
        Assert.DoesNotContain('\u001b', r.Observed);
        Assert.Contains("\\x1b", r.Observed);
    }

    [Fact]
    public void Transcript_lines_are_found_after_junk_without_a_newline()
    {
        ProbeTranscript t = ProbeTranscript.Parse(Encoding.UTF8.GetBytes($"\u001b[2J@cordon-probe begin {Nonce}\r\n@cordon-probe step a OK detail with spaces\n"), Nonce);
        Assert.True(t.Began);
        Assert.Equal(("a", "OK", "detail with spaces"), (t.Steps[0].Name, t.Steps[0].Token, t.Steps[0].Detail));
    }

    public void Dispose()
    {
        _canaries.Remove();
        Directory.Delete(_root, recursive: true);
    }
}
