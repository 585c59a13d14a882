using System.Collections.Frozen;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Pool;
using Cordon.Policy;
using Cordon.Service.Api;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;

namespace Cordon.Service.Warm;

/// <summary>
/// The warm pools of one serve or worker process: one <see cref="WarmSandboxPool"/> per configured runtime, shaped
/// as that runtime's run with the server's default budget, so a request that names no limits takes a pre-built
/// sandbox. A request with other limits (memory, CPU, processes are part of a sandbox's shape) leases a fresh
/// directory from the same pool and runs cold, with the same result it would have had anyway.
/// </summary>
/// <remarks>
/// Members are built with a work directory of their own, handed to the run by a lease before its files are written
/// (see <see cref="WarmSandboxPool"/>); the compile step of c/c++ stays cold, over the same directory. Disposing
/// stops every pool: idle members and leased ones not yet run are torn down (processes, cgroups, uids, directories).
/// </remarks>
internal sealed class WarmPools : IDisposable
{
    private readonly FrozenDictionary<string, WarmSandboxPool> _pools;

    private WarmPools(Dictionary<string, WarmSandboxPool> pools, int size)
    {
        _pools = pools.ToFrozenDictionary(StringComparer.Ordinal);
        Size = size;
    }

    /// <summary>No pools: every run cold.</summary>
    public static WarmPools None { get; } = new([], 0);

    public int Size { get; }

    /// <summary>
    /// A pool for each of <paramref name="settings"/>' runtimes this host offers; <paramref name="say"/> is told of the
    /// ones it skips (not offered here).
    /// </summary>
    public static WarmPools Create(WarmSettings settings, RuntimeCatalog catalog, RunRequestValidator validator, ProcessBackendOptions process, Action<string> say)
    {
        if (settings.Runtimes.IsEmpty) return None;
        var sandbox = new ProcessSandbox(process);
        var options = new WarmPoolOptions { Size = settings.Size, IdleTimeout = settings.IdleTimeout };
        Dictionary<string, WarmSandboxPool> pools = [];
        try
        {
            foreach (string name in settings.Runtimes.Distinct())
            {
                if (catalog.Find(name) is not { Tier: "process" } runtime)
                {
                    say($"no warm pool for '{name}': it is not offered here");
                    continue;
                }

                pools[runtime.Name] = new WarmSandboxPool(sandbox, Shape(runtime, validator), options);
            }
        }
        catch
        {
            foreach (WarmSandboxPool pool in pools.Values) pool.Dispose();
            throw;
        }

        if (pools.Count > 0) say($"warm pools of {settings.Size} pre-built sandboxes for {string.Join(", ", pools.Keys)} (their default limits; other limits run cold)");
        return new WarmPools(pools, settings.Size);
    }

    /// <summary>The pool a plan's run may lease from: its runtime's, on the process tier; null otherwise.</summary>
    public WarmSandboxPool? For(RunPlan plan)
        => plan.Tier == "process" && plan.Runtime is { } runtime && _pools.TryGetValue(runtime.Name, out WarmSandboxPool? pool) ? pool : null;

    /// <summary>Each pool's counts, by runtime (for <c>GET /v1/health</c>); null with no pools.</summary>
    public WarmPoolReport[]? Report()
        => _pools.Count == 0 ? null
            : [.. _pools.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => WarmPoolReport.Of(p.Key, Size, p.Value.Statistics))];

    public void Dispose()
    {
        foreach (WarmSandboxPool pool in _pools.Values) pool.Dispose();
    }

    /// <summary>The run policy of a request for <paramref name="runtime"/> that names no limits: what a default run gets.</summary>
    private static SandboxPolicy Shape(ServiceRuntime runtime, RunRequestValidator validator)
    {
        RunPlan plan = validator.Validate(new RunRequest(Runtime: runtime.Name, Files: [new FileUpload(runtime.DefaultEntry, "")]));
        return RunExecutor.RunCommand(plan, Path.GetTempPath()).Policy;
    }
}
