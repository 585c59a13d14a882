using Cordon.Backends.Gvisor.Tier;
using Cordon.Backends.JavaScript.Tier;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Tier;
using Cordon.Backends.Wasm;
using Cordon.Backends.Wasm.Tier;
using Cordon.Diagnostics;

namespace Cordon.Tiers;

/// <summary>
/// The tiers Cordon offers, default first: the one place they are listed. The CLI, <c>cordon serve</c> (and its
/// workers) and the MCP server each build their registry here, with only their own options for the tiers that take
/// any, so a tier added here is offered by every surface at once.
/// </summary>
public static class StandardTiers
{
    /// <summary>The registry of every tier: process, wasm, js, gvisor.</summary>
    /// <param name="process">The process tier's options (run uids, timings).</param>
    /// <param name="wasm">The WebAssembly tier's options (pooling allocator, module cache).</param>
    public static TierRegistry Create(ProcessBackendOptions process, WasmBackendOptions wasm) => Create(() => process, wasm);

    /// <summary>The registry of every tier, the process tier's options read at its first run (reading them may fail with a setup error).</summary>
    /// <param name="process">Reads the process tier's options.</param>
    /// <param name="wasm">The WebAssembly tier's options.</param>
    public static TierRegistry Create(Func<ProcessBackendOptions> process, WasmBackendOptions wasm) => new(
    [
        new ProcessTier(process),
        new WasmTier(wasm),
        new JavaScriptTier(),
        new GvisorTier(),
    ]);

    /// <summary>The names of the tiers of <paramref name="tiers"/> whose availability check on this host does not say missing.</summary>
    /// <param name="tiers">The registry to check.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public static async Task<List<string>> AvailableAsync(TierRegistry tiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        List<string> available = [];
        foreach (ISandboxTier tier in tiers.All)
        {
            HostCheck check = await tier.CheckAvailabilityAsync(cancellationToken).ConfigureAwait(false);
            if (check.Status != LayerStatus.Missing) available.Add(tier.Name);
        }

        return available;
    }
}
