using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>Builds the one Wasmtime engine of a backend from its options, and the key that names its compiled code.</summary>
internal static class WasmtimeEngineFactory
{
    /// <summary>Tables a store may create (and a module may define); memories are limited to one so the policy's memory limit is the total.</summary>
    internal const int MaxTablesPerStore = 8;

    /// <summary>The Wasmtime .NET package version, e.g. <c>50.0.1</c>.</summary>
    internal static string WasmtimeVersion { get; } =
        typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Creates the engine (and the pooling configuration it uses, which must outlive it).</summary>
    internal static (Engine Engine, PoolingAllocationConfig? Pooling, string Key) Create(WasmBackendOptions options)
    {
        Config config = new Config()
            .WithEpochInterruption(true)
            .WithFuelConsumption(options.Fuel is not null)
            .WithMaximumStackSize(checked((int)options.MaxWasmStackBytes));

        PoolingAllocationConfig? pooling = null;
        if (options.PoolingMemoryBytesPerInstance is { } slotBytes)
        {
            uint slots = (uint)options.MaxConcurrentRuns;
            pooling = new PoolingAllocationConfig()
                .WithMaxCoreInstances(slots)
                .WithMaxMemories(slots)
                .WithMaxTables(slots * MaxTablesPerStore)
                .WithMaxMemoriesPerModule(1)
                .WithMaxTablesPerModule(MaxTablesPerStore)
                .WithMaxTableElements((nuint)options.MaxTableElements)
                .WithMaxMemorySize((nuint)slotBytes);
            config.WithPoolingAllocationStrategy(pooling);
        }

        // Everything that changes the compiled code, or whether Wasmtime accepts it, goes into the cache key.
        string key = string.Join(';',
            $"wasmtime-dotnet={WasmtimeVersion}",
            $"arch={RuntimeInformation.ProcessArchitecture}",
            $"os={RuntimeInformation.OSDescription.Split(' ')[0]}",
            "epoch=1",
            $"fuel={(options.Fuel is null ? 0 : 1)}",
            $"stack={options.MaxWasmStackBytes.ToString(CultureInfo.InvariantCulture)}",
            $"pooling={options.PoolingMemoryBytesPerInstance?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
            $"slots={options.MaxConcurrentRuns.ToString(CultureInfo.InvariantCulture)}");

        try
        {
            return (new Engine(config), pooling, key);
        }
        catch
        {
            pooling?.Dispose();
            throw;
        }
    }
}
