using Cordon.Execution;
using Cordon.Policy;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Harness;

namespace Cordon.Selftest.Judging;

/// <summary>Everything the judge may use about one run. All of it is host-side except <see cref="Transcript"/>.</summary>
internal sealed record ProbeEvidence
{
    public required SandboxResult Result { get; init; }

    public required SandboxPolicy Policy { get; init; }

    /// <summary>The policy the probe asked for, before <see cref="SelftestOptions.PolicyOverride"/>: its limits are the ones the probe tests.</summary>
    public required SandboxPolicy IntendedPolicy { get; init; }

    public required ProbeTranscript Transcript { get; init; }

    public required CanarySet Canaries { get; init; }

    public required ObservedChain Chain { get; init; }

    /// <summary>The probes directory on the host (bound read-only at /opt/cordon-probes).</summary>
    public required string ProbeDirectory { get; init; }

    /// <summary>Whether this host gave the run a cgroup (memory and pids limits and accounting).</summary>
    public required bool CgroupsAvailable { get; init; }

    /// <summary>Guest stdout and stderr, decoded (untrusted).</summary>
    public string Output => System.Text.Encoding.UTF8.GetString(Result.StandardOutput.Bytes.Span) + "\n" + System.Text.Encoding.UTF8.GetString(Result.StandardError.Bytes.Span);

    /// <summary>The first step named <paramref name="name"/>, if the probe reported it.</summary>
    public ProbeStep? Step(string name) => Transcript.Steps.FirstOrDefault(s => s.Name == name);
}
