using System.Collections.Immutable;
using Cordon.Backends.JavaScript;
using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Playground;

/// <summary>Which tiers this host can run, found once at start-up by running a probe in each.</summary>
internal static class TierAvailability
{
    internal static async Task<TiersView> ProbeAsync(CancellationToken cancellationToken)
    {
        ImmutableArray<TierView> tiers =
        [
            await Probe("js", async () =>
            {
                using var backend = new JavaScriptSandboxBackend();
                SandboxResult r = (await backend.RunSourceAsync(SandboxPolicy.Default, "console.log(1)", new SandboxCommand("probe.js"), cancellationToken)).Result;
                return (r.IsSuccess, $"Jint {JavaScriptSandboxBackend.EngineVersion}, in process");
            }),
            await Probe("wasm", async () =>
            {
                string wat = Path.Combine(Path.GetTempPath(), $"cordon-playground-probe-{Environment.ProcessId}.wat");
                await File.WriteAllTextAsync(wat, "(module (func (export \"_start\")))", cancellationToken);
                try
                {
                    using var backend = new WasmSandboxBackend();
                    SandboxResult r = await backend.RunAsync(SandboxPolicy.Default, new SandboxCommand(wat), cancellationToken);
                    return (r.IsSuccess, $"Wasmtime {WasmSandboxBackend.WasmtimeVersion}, in process (source: WebAssembly text)");
                }
                finally
                {
                    File.Delete(wat);
                }
            }),
            await Probe("process", async () =>
            {
                SandboxResult r = await new ProcessSandbox().RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/true"), cancellationToken);
                return (r.IsSuccess, "bubblewrap, seccomp, Landlock, cgroups (source: a /bin/sh script)");
            }),
        ];
        return new TiersView(tiers);
    }

    private static async Task<TierView> Probe(string name, Func<Task<(bool Ok, string Detail)>> probe)
    {
        try
        {
            (bool ok, string detail) = await probe();
            return new TierView(name, ok, ok ? detail : "the probe run did not succeed on this host");
        }
        catch (Exception e) when (e is CordonException or DllNotFoundException or IOException or InvalidOperationException)
        {
            return new TierView(name, false, e.Message);
        }
    }
}
