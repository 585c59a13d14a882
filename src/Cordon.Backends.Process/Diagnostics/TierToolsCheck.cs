using Cordon.Diagnostics;
namespace Cordon.Backends.Process.Diagnostics;

/// <summary>Runtimes of later isolation tiers: gVisor's runsc and Wasmtime. Optional: the process tier does not need them.</summary>
internal static class TierToolsCheck
{
    public static HostCheck Runsc()
    {
        string? path = HostCommands.Find("runsc");
        return path is null
            ? new HostCheck("gvisor (runsc)", LayerStatus.Missing, "runsc not found on PATH (needed only for the planned gVisor tier)",
                "install gVisor's runsc (https://gvisor.dev/docs/user_guide/install/) for a user-space kernel tier", Required: false)
            : new HostCheck("gvisor (runsc)", LayerStatus.Available, $"runsc at {path}", null, Required: false);
    }

    /// <summary>
    /// The Wasm tier's engine: libwasmtime from the Wasmtime package, beside a published cordon or under
    /// runtimes/RID/native in a framework-dependent build. The wasmtime CLI plays no part in it.
    /// </summary>
    public static HostCheck Wasmtime()
    {
        string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "libwasmtime.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", "libwasmtime.so"),
        ];
        string? library = Array.Find(candidates, File.Exists);
        return library is null
            ? new HostCheck("wasmtime", LayerStatus.Missing, "libwasmtime is not beside Cordon (needed only for the WebAssembly tier)",
                "reference the Cordon.Backends.Wasm library (its Wasmtime package ships libwasmtime), or publish the cordon CLI, which includes it", Required: false)
            : new HostCheck("wasmtime", LayerStatus.Available, $"libwasmtime at {library} (the WebAssembly tier)", null, Required: false);
    }
}
