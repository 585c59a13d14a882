using Cordon.Backends.Process;
using Cordon.Policy;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest;

/// <summary>What <see cref="SelftestRunner"/> runs and how.</summary>
public sealed record SelftestOptions
{
    /// <summary>
    /// Probe ids to run: comma-separated patterns, each an exact id (<c>res-fork-bomb</c>), a glob (<c>net-*</c>) or
    /// otherwise a substring (<c>fork</c>). Null runs every probe. The positive controls always run first.
    /// </summary>
    public string? Only { get; init; }

    /// <summary>Run only this category (plus the controls). Null runs every category.</summary>
    public ProbeCategory? Category { get; init; }

    /// <summary>How many probes run at once (resource hogs always run alone, after the others).</summary>
    public int MaxParallelism { get; init; } = 4;

    /// <summary>The shipped probes (bin/, py/, sh/); default: <c>probes</c> beside this assembly, or <c>CORDON_PROBES</c>.</summary>
    public string? ProbeDirectory { get; init; }

    /// <summary>
    /// The tier the probes run on; null runs them in the process tier with <see cref="Backend"/>. A tier without OS
    /// processes (wasm, js) cannot run host programs and is refused.
    /// </summary>
    public Tiers.ISandboxTier? Tier { get; init; }

    /// <summary>The probes' root filesystem; null for the host's system directories (production's default).</summary>
    public FilesystemRoot? Root { get; init; }

    /// <summary>Host-side settings of the process tier under test.</summary>
    public ProcessBackendOptions? Backend { get; init; }

    /// <summary>Called as each probe is judged (from several threads when probes run in parallel).</summary>
    public Action<ProbeResult>? OnResult { get; init; }

    /// <summary>
    /// Replaces each probe's policy after it is built. Exists only to prove the judge can fail: a deliberately
    /// weakened policy (host network, the canary directory bound in, no process limit) must turn exactly the probes
    /// that attack that weakness into ESCAPED.
    /// </summary>
    /// <remarks>Never set this to judge a real installation: the verdicts then describe the weakened policy, not Cordon's.</remarks>
    public Func<SandboxPolicy, CanaryCoordinates, SandboxPolicy>? PolicyOverride { get; init; }
}
