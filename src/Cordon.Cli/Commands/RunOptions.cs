using System.Collections.Immutable;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Cli.Commands;

/// <summary>Everything <c>cordon run</c> was asked to do, after parsing.</summary>
internal sealed record RunOptions
{
    public required SandboxPolicy Policy { get; init; }
    public required string Program { get; init; }
    public ImmutableArray<string> Arguments { get; init; } = [];
    public bool Json { get; init; }
    public bool Quiet { get; init; }
    public bool RawOutput { get; init; }
    public string? StandardInputPath { get; init; }
    public ImmutableArray<(int GuestFd, int HostFd)> Descriptors { get; init; } = [];
    /// <summary>The tier that runs it.</summary>
    public required ISandboxTier Tier { get; init; }

    /// <summary>The values of the tier's own options (<c>--fuel</c>, <c>--js-statements</c>...).</summary>
    public TierSettings TierSettings { get; init; } = TierSettings.None;

    /// <summary>--status-fd: the caller's descriptor that receives the result document; null for none.</summary>
    public int? StatusFd { get; init; }

    /// <summary>Wasm and js tiers: run the tier's runner itself as a process-tier guest.</summary>
    public bool Contain { get; init; }

    /// <summary>-t: the guest gets a new pseudo-terminal.</summary>
    public bool Tty { get; init; }

    /// <summary>After a forwarded signal, how long the guest has before the whole sandbox is killed.</summary>
    public TimeSpan KillAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>--chdir: the guest's working directory (null: /work).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>--image: the prepared image (its root is the policy's); null without one.</summary>
    public Images.PreparedImage? Image { get; init; }

    /// <summary>What the parser decided for the caller that it should hear (an image's request the policy did not grant).</summary>
    public ImmutableArray<string> Notices { get; init; } = [];

    /// <summary>--dry-run: print what would run, run nothing.</summary>
    public bool DryRun { get; init; }
}
