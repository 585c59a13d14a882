using System.Collections.Immutable;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Planning;
using Cordon.Policy;

namespace Cordon.Backends.Process;

/// <summary>
/// Everything one process-tier run executes, as data: built purely from the policy, the command and host facts, then
/// executed by the supervisor, which reads the spawn's argv and descriptors from here and nowhere else.
/// <c>cordon run --dry-run</c> prints the plan <see cref="ProcessSandbox.Plan"/> returns, which is built the same way.
/// </summary>
public sealed record LaunchPlan
{
    /// <summary>
    /// The argument vector spawned: <c>cordon-launch enter ... -- bwrap --args N -- cordon-launch init ... -- guest</c>.
    /// bwrap's own options are not on it: they travel through descriptor N (<see cref="BwrapOptions"/>).
    /// </summary>
    public required ImmutableArray<string> Argv { get; init; }

    /// <summary>bwrap's options (environment values among them), written NUL-separated into a sealed memfd for <c>--args</c>.</summary>
    public required ImmutableArray<string> BwrapOptions { get; init; }

    /// <summary>The chain's descriptor table, by number: what each descriptor holds.</summary>
    public required ImmutableArray<PlannedDescriptor> Descriptors { get; init; }

    /// <summary>The sandbox's mounts in bwrap's order (they are also in <see cref="BwrapOptions"/>).</summary>
    public required ImmutableArray<PlannedMount> Mounts { get; init; }

    /// <summary>What the launcher does, in order, before the guest starts.</summary>
    public required ImmutableArray<string> LauncherSteps { get; init; }

    /// <summary>The seccomp filter: profile, rules, what a refused call does (compiled after the spawn).</summary>
    public required string FilterSummary { get; init; }

    /// <summary>The run's cgroup and the limits written into it; null when the run has none (<see cref="NoCgroupReason"/>).</summary>
    public CgroupPlan? Cgroup { get; init; }

    /// <summary>Why the run has no cgroup.</summary>
    public string? NoCgroupReason { get; init; }

    /// <summary>Protections this plan cannot give on this host, as the run's result will report them.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>The cgroup limits, one per line, or why there is no cgroup.</summary>
    public ImmutableArray<string> CgroupLimits => Cgroup?.Describe() ?? [$"none: {NoCgroupReason}"];

    /// <summary>The chain as one argument vector with bwrap's options in place of <c>--args N</c> (reading, tests).</summary>
    public ImmutableArray<string> ExpandedArgv
    {
        get
        {
            int at = Argv.IndexOf("--args");
            return at < 0 ? Argv : [.. Argv.Take(at), .. BwrapOptions, .. Argv.Skip(at + 2)];
        }
    }

    /// <summary>The host paths granted as binds, in <see cref="DescriptorRole.GrantSource"/> order.</summary>
    internal ImmutableArray<GrantedBind> Grants { get; init; } = [];

    /// <summary>As root with a disk budget: the size of the layer each writable grant gets (<see cref="DescriptorRole.DiskBudgetLayer"/>); null for none.</summary>
    internal (long Bytes, long Inodes)? DiskBudget { get; init; }

    /// <summary>The host path of <c>cordon-launch</c>, which the chain starts with.</summary>
    internal string LauncherPath => Argv[0];

    /// <summary>The generated /etc files, in <see cref="DescriptorRole.GeneratedFile"/> order.</summary>
    internal ImmutableArray<(string Path, byte[] Contents)> GeneratedFiles { get; init; } = [];

    /// <summary>The copied-file mounts, in <see cref="DescriptorRole.CopiedFile"/> order.</summary>
    internal ImmutableArray<MountSpec> CopiedFiles { get; init; } = [];

    /// <summary><see cref="BwrapOptions"/> as bwrap reads them from <c>--args</c>: each followed by a NUL.</summary>
    internal byte[] BwrapOptionsFile() => System.Text.Encoding.UTF8.GetBytes(string.Concat(BwrapOptions.Select(o => o + "\0")));
}
