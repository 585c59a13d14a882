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

    public static HostCheck Wasmtime()
    {
        string? cli = HostCommands.Find("wasmtime");
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libwasmtime.so");
        string? found = cli is not null ? $"wasmtime CLI at {cli}" : File.Exists(library) ? $"libwasmtime at {library}" : null;
        return found is null
            ? new HostCheck("wasmtime", LayerStatus.Missing, "neither the wasmtime CLI nor libwasmtime beside Cordon (needed only for the WebAssembly tier)",
                "use the Cordon.Backends.Wasm library (its Wasmtime package ships libwasmtime), or install the wasmtime CLI", Required: false)
            : new HostCheck("wasmtime", LayerStatus.Available, found, null, Required: false);
    }
}
