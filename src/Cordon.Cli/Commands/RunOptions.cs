using System.Collections.Immutable;
using Cordon.Policy;

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
    public string Tier { get; init; } = "process";

    /// <summary>Wasm tier: the export to call instead of WASI's <c>_start</c>.</summary>
    public string? Invoke { get; init; }

    /// <summary>Wasm tier: fuel budget; null with <see cref="FuelUnlimited"/> false means the tier's default.</summary>
    public long? Fuel { get; init; }

    /// <summary>Wasm tier: the explicit "no fuel limit".</summary>
    public bool FuelUnlimited { get; init; }

    /// <summary>Wasm and js tiers: run the tier's runner itself as a process-tier guest.</summary>
    public bool Contain { get; init; }

    /// <summary>-t: the guest gets a new pseudo-terminal.</summary>
    public bool Tty { get; init; }

    /// <summary>After a forwarded signal, how long the guest has before the whole sandbox is killed.</summary>
    public TimeSpan KillAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>--chdir: the guest's working directory (null: /work).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>--dry-run: print what would run, run nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>JavaScript tier: the statement budget (<c>--js-statements</c>); null for none.</summary>
    public int? JsStatements { get; init; }
}
