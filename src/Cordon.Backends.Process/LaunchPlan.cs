using System.Collections.Immutable;

namespace Cordon.Backends.Process;

/// <summary>What <see cref="ProcessSandbox.Plan"/> would execute for one run, for <c>cordon run --dry-run</c>. Nothing of it is started.</summary>
/// <param name="Argv">The argument vector of the whole launch chain (<c>cordon-launch enter</c> → bwrap → <c>cordon-launch init</c> → guest).</param>
/// <param name="Descriptors">The descriptors the chain receives, by number, and what each holds.</param>
/// <param name="LauncherSteps">What the launcher does, in order, before the guest starts.</param>
/// <param name="FilterSummary">The seccomp filter: profile, rules, instructions.</param>
/// <param name="CgroupLimits">The limits the run's cgroup would get, or why there is none.</param>
public sealed record LaunchPlan(ImmutableArray<string> Argv, ImmutableArray<string> Descriptors, ImmutableArray<string> LauncherSteps,
    string FilterSummary, ImmutableArray<string> CgroupLimits);
