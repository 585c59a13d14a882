using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Tiers;

namespace Cordon.Cli.Commands;

/// <summary>
/// The tiers this CLI offers, default first: <see cref="StandardTiers"/> (the list every surface shares) with the CLI's
/// options. Everything else (the parser, help, completions, the man page, <c>cordon doctor</c>, <c>--contain</c>, the
/// JSON report) reads this registry.
/// </summary>
internal static class CliTiers
{
    // One run per process: setting up the Wasm pooling allocator (about 20 ms) would cost more than it saves.
    public static TierRegistry Registry { get; } = StandardTiers.Create(ProcessOptions,
        WasmBackendOptions.Default.WithoutPoolingAllocator().WithModuleCache(ModuleCacheDirectory()));

    /// <summary>The process tier's options for this CLI: the run uids (<c>CORDON_RUN_UIDS</c>) and <c>CORDON_TIMINGS</c>.</summary>
    internal static ProcessBackendOptions ProcessOptions() => new()
    {
        RunIdentities = RunCommand.RunIdentities(),
        // CORDON_TIMINGS=1 prints where the run's time went (setup, spawn, sandbox start, guest, teardown).
        TimingsObserver = Environment.GetEnvironmentVariable("CORDON_TIMINGS") == "1"
            ? t => Console.Error.WriteLine($"cordon: timings setup {t.Setup.TotalMilliseconds:0.0} ms · spawn {t.Spawn.TotalMilliseconds:0.0} ms · to guest exec {t.UntilGuestExec.TotalMilliseconds:0.0} ms · guest {t.GuestRun.TotalMilliseconds:0.0} ms · teardown {t.Teardown.TotalMilliseconds:0.0} ms")
            : null,
    };

    /// <summary><c>CORDON_MODULE_CACHE=off</c> turns the Wasm module cache off (a contained runner has nowhere lasting to keep it).</summary>
    internal const string ModuleCacheVariable = "CORDON_MODULE_CACHE";

    /// <summary>Compiled modules are cached per user, keyed by content hash (the tier validates entries before use).</summary>
    private static string? ModuleCacheDirectory()
    {
        if (Environment.GetEnvironmentVariable(ModuleCacheVariable) == "off") return null;
        string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? "";
            if (home.Length == 0 || !Directory.Exists(home)) return null;
            root = Path.Combine(home, ".cache");
        }

        return Path.Combine(root, "cordon", "wasm");
    }
}
