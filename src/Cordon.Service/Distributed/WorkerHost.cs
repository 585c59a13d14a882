using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;
using Cordon.Service.Warm;
using Cordon.Tiers;

namespace Cordon.Service.Distributed;

/// <summary><c>cordon worker</c>: this host's tiers and runtimes, a connection to the queue, and the worker until it is stopped.</summary>
internal static class WorkerHost
{
    public static async Task RunAsync(ServeOptions options, Uri queue, Action<string> say, CancellationToken stopping)
    {
        ProcessBackendOptions process = ProcessBackendOptions.Default with { RunIdentities = options.RunIdentities };
        TierRegistry tiers = StandardTiers.Create(process, WasmBackendOptions.Default);
        List<string> available = await StandardTiers.AvailableAsync(tiers, stopping);
        RuntimeCatalog catalog = (await RuntimeCatalog.ProbeAsync(available, stopping)).Only(options.Runtimes);
        var validator = new RunRequestValidator(catalog, options.Ceilings);
        await using NatsBus bus = await NatsBus.ConnectAsync(queue, $"cordon-worker-{Environment.ProcessId}", options.Ceilings, stopping);
        NatsWorker.Sweep();
        // Disposed after the worker stopped: no run is left to take a member.
        using WarmPools warm = available.Contains("process")
            ? WarmPools.Create(options.Warm, catalog, validator, process, line => say($"cordon worker: {line}"))
            : WarmPools.None;
        var worker = new NatsWorker(bus, new RunExecutor(tiers, warm), validator, catalog, available,
            new WorkerOptions(options.Ceilings.Concurrency, options.AckWait, options.MaxAttempts));
        await worker.RunAsync(() => say($"cordon worker: taking runs from {queue}, {options.Ceilings.Concurrency} at once ({string.Join(", ", catalog.All.Select(r => r.Name))})"), stopping);
        // A worker has no HTTP surface: its pools' counts are told when it stops.
        foreach (Api.WarmPoolReport pool in warm.Report() ?? [])
            say($"cordon worker: warm pool {pool.Runtime}: {pool.WarmRuns} warm runs, {pool.ColdRuns} cold, {pool.Built} members built, {pool.BuildFailures} build failures");
        say("cordon worker: stopped");
    }
}
