using Cordon.Backends.JavaScript.Tier;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Tier;
using Cordon.Backends.Wasm;
using Cordon.Backends.Wasm.Tier;
using Cordon.Diagnostics;
using Cordon.Tiers;

namespace Cordon.Service;

/// <summary>The tiers the service and its workers offer (the same three as the CLI), and which of them this host has.</summary>
internal static class ServiceTiers
{
    public static TierRegistry Create(ProcessBackendOptions process) => new(
    [
        new ProcessTier(process),
        new WasmTier(WasmBackendOptions.Default),
        new JavaScriptTier(),
    ]);

    /// <summary>The names of the tiers whose availability check does not say missing.</summary>
    public static async Task<List<string>> AvailableAsync(TierRegistry tiers, CancellationToken cancellationToken)
    {
        List<string> available = [];
        foreach (ISandboxTier tier in tiers.All)
        {
            HostCheck check = await tier.CheckAvailabilityAsync(cancellationToken);
            if (check.Status != LayerStatus.Missing) available.Add(tier.Name);
        }

        return available;
    }
}
