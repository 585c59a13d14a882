using System.Collections.Immutable;

namespace Cordon.Service.Warm;

/// <summary>
/// The warm pools a serve or worker process keeps (<c>[warm]</c> in the config file, <c>--warm</c>): for each named
/// runtime, <see cref="Size"/> process-tier sandboxes pre-built for that runtime's default budget. Off by default.
/// </summary>
internal sealed record WarmSettings
{
    /// <summary>The runtimes with a pool (process-tier ones only); empty: no pool.</summary>
    public ImmutableArray<string> Runtimes { get; init; } = [];

    /// <summary>Idle members per runtime.</summary>
    public int Size { get; init; } = 2;

    /// <summary>How long a member may sit unused before it is torn down (rebuilt when a run asks again).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The runtimes a pool may be kept for: those that run a host program on the process tier.</summary>
    public static readonly ImmutableArray<string> PoolableRuntimes = ["python3", "node", "bash", "c", "c++"];

    /// <summary>
    /// Why these pools could starve runs of run uids, or null. A run in flight holds at most two uids at once (a
    /// leased member, and the compile step of c/c++ beside it), and each pool at most <see cref="Size"/> idle members
    /// besides: together they must fit in the range, or a cold run could find every uid held by idle members.
    /// </summary>
    public string? UidProblem(int concurrency, Backends.Process.Identity.HostIdentityRange uids)
    {
        if (Runtimes.IsEmpty) return null;
        long needed = (long)Runtimes.Length * Size + 2L * concurrency;
        return needed <= uids.Count ? null
            : $"[warm] needs up to {needed} run uids ({Runtimes.Length} pool(s) of {Size} idle members, plus 2 for each of the {concurrency} runs at once), "
              + $"but the run-uid range {uids} has {uids.Count}; give a larger run_uids (or CORDON_RUN_UIDS), a smaller [warm] size, or fewer --concurrency";
    }
}
