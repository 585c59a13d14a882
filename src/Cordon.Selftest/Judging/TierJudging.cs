using Cordon.Tiers;

namespace Cordon.Selftest.Judging;

/// <summary>
/// What a tier's results can prove about a probe. The process tier answers hostile syscalls with its own seccomp filter
/// and reports each refusal by name, so a probe's declared errno per step and its named refusals are evidence there.
/// A user-space kernel (gVisor's Sentry) serves those syscalls itself: a step that "works" inside it (an unshare, a
/// mount in its own namespaces) touches no host kernel object, and nothing is refused by name. There the probe is
/// judged by the contained outcome alone: the canaries, the host's state, the secrets, the limits and the teardown.
/// </summary>
/// <param name="Tier">The tier's name.</param>
/// <param name="StepErrnos">Whether each step's errno is the tier's own answer and is judged against the probe's declaration.</param>
/// <param name="NamedRefusals">Whether the tier reports refused syscalls by name (the probe's declared refusals are then required).</param>
/// <param name="SignalEnds">Whether kills such as SIGSYS for a foreign syscall ABI are the tier's to expect.</param>
internal sealed record TierJudging(string Tier, bool StepErrnos, bool NamedRefusals, bool SignalEnds)
{
    /// <summary>The process tier: every piece of evidence applies.</summary>
    public static TierJudging Process { get; } = new("process", StepErrnos: true, NamedRefusals: true, SignalEnds: true);

    /// <summary>What the probes can be judged by on <paramref name="tier"/> (null: the process tier the runner drives itself).</summary>
    public static TierJudging For(ISandboxTier? tier) => tier is null || tier.Name == "process"
        ? Process
        : new(tier.Name, StepErrnos: false, NamedRefusals: false, SignalEnds: false);

    /// <summary>Whether the probe is judged by its contained outcome alone here.</summary>
    public bool OutcomeOnly => !StepErrnos;

    /// <summary>The note a result carries when parts of its evidence do not apply on this tier.</summary>
    public string Note => $"judged by the contained outcome: the {Tier} tier serves these syscalls in its own kernel, so step errnos, named refusals and SIGSYS kills are the process tier's evidence, not its";
}
