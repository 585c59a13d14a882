using System.Collections.Immutable;
using System.Diagnostics.Contracts;
using Cordon.Units;

namespace Cordon.Backends.Wasm;

/// <summary>
/// How a <see cref="WasmSandboxBackend"/> runs modules, beyond what the shared <see cref="Policy.SandboxPolicy"/> says.
/// Immutable: every <c>With*</c> method validates its argument and returns a changed copy.
/// </summary>
/// <remarks>
/// Engine-level settings (fuel metering on or off, the wasm stack, pooling, the host functions, WASI) are fixed
/// when the backend is constructed: create one backend per distinct options value and reuse it, since the
/// backend owns the compiled-module cache.
/// </remarks>
/// <example>
/// <code>
/// var options = WasmBackendOptions.Default
///     .WithWasi(false)
///     .Grant(WasmHostFunction.Create&lt;int, int, int&gt;("env", "add", (a, b) =&gt; a + b))
///     .WithInvoke("sum3")
///     .WithFuel(1_000_000);
/// using var backend = new WasmSandboxBackend(options);
/// </code>
/// </example>
public sealed record WasmBackendOptions
{
    /// <summary>Default fuel budget: 10^10 units, very roughly 3 to 10 s of compute on a current x86-64 core.</summary>
    /// <remarks>Wasmtime charges about one unit per executed instruction, so the budget is deterministic: the same module and input always stop at the same point.</remarks>
    public const long DefaultFuel = 10_000_000_000;

    /// <summary>Default maximum wasm stack: 512 KiB, Wasmtime's own default (deep recursion traps with <c>stack_overflow</c>).</summary>
    public const long DefaultMaxWasmStackBytes = 512 * ByteSize.KiB;

    /// <summary>Default cap on elements per table: 100,000 (a table element costs the host 8 to 16 bytes).</summary>
    public const int DefaultMaxTableElements = 100_000;

    /// <summary>Default pooling slot: 4 GiB of linear memory, all that a 32-bit memory can address.</summary>
    public const long DefaultPoolingMemoryBytesPerInstance = 4 * ByteSize.GiB;

    private WasmBackendOptions() { }

    /// <summary>WASI preview 1 on, fuel <see cref="DefaultFuel"/>, <see cref="DefaultMaxWasmStackBytes"/>, no disk cache, no host functions, the pooling allocator with <see cref="DefaultPoolingMemoryBytesPerInstance"/> slots.</summary>
    public static WasmBackendOptions Default { get; } = new();

    /// <summary>Fuel budget per run; exhausting it ends the run <see cref="Execution.SandboxOutcome.CpuTimeExceeded"/> with detail <c>fuel exhausted</c>. Null only after <see cref="WithoutFuelLimit"/>.</summary>
    public long? Fuel { get; private init; } = DefaultFuel;

    /// <summary>
    /// The export to call instead of the WASI <c>_start</c>; the command's arguments are then its parameters, parsed from
    /// text and checked against the export's signature, and its results are written to stdout, one per line. Null runs <c>_start</c>.
    /// </summary>
    public string? InvokeExport { get; private init; }

    /// <summary>Whether WASI preview 1 (<c>wasi_snapshot_preview1</c>) is linked. False leaves only the granted <see cref="HostFunctions"/>.</summary>
    public bool IsWasiEnabled { get; private init; } = true;

    /// <summary>Maximum stack of WebAssembly frames per run.</summary>
    public long MaxWasmStackBytes { get; private init; } = DefaultMaxWasmStackBytes;

    /// <summary>Maximum elements per table (store limit; growth past it fails).</summary>
    public int MaxTableElements { get; private init; } = DefaultMaxTableElements;

    /// <summary>Directory of compiled modules kept across processes (keyed by content hash, engine settings and Wasmtime version); null keeps the cache in memory only.</summary>
    public string? ModuleCacheDirectory { get; private init; }

    /// <summary>The host functions granted to every module; nothing else is linked.</summary>
    public ImmutableArray<WasmHostFunction> HostFunctions { get; private init; } = [];

    /// <summary>How many modules may run at once; further runs wait in order. Each running module occupies one worker thread.</summary>
    public int MaxConcurrentRuns { get; private init; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>
    /// When set (the default, <see cref="DefaultPoolingMemoryBytesPerInstance"/>), instances come from Wasmtime's
    /// pooling allocator with this many bytes of linear memory per slot (and <see cref="MaxConcurrentRuns"/> slots);
    /// null allocates each instance on demand.
    /// </summary>
    /// <remarks>
    /// Pooling makes repeated instantiation several times cheaper (no mmap and munmap of a fresh memory per run). It
    /// reserves address space, not memory, for every slot up front (about the slot size plus guard pages each), and
    /// caps every run's linear memory at the slot size, even when the policy allows more (the result then carries a
    /// warning); the default slot is what a 32-bit memory can address anyway. Setting the pool up costs about 20 ms
    /// once, when the backend is created. Turn it off (<see cref="WithoutPoolingAllocator"/>) for a process that makes
    /// one run, where address space is limited (<c>ulimit -v</c>), or where memory64 modules need more than a slot.
    /// </remarks>
    public long? PoolingMemoryBytesPerInstance { get; private init; } = DefaultPoolingMemoryBytesPerInstance;

    /// <summary>Sets the fuel budget per run (at least 1).</summary>
    [Pure]
    public WasmBackendOptions WithFuel(long units)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        return this with { Fuel = units };
    }

    /// <summary>Turns fuel metering off: only the policy's wall and CPU time then stop a busy module.</summary>
    /// <remarks>This is the explicit "unlimited" for fuel; the policy's time limits still apply (unless they too are removed).</remarks>
    [Pure]
    public WasmBackendOptions WithoutFuelLimit() => this with { Fuel = null };

    /// <summary>Calls <paramref name="exportName"/> instead of <c>_start</c>; null goes back to running <c>_start</c>.</summary>
    [Pure]
    public WasmBackendOptions WithInvoke(string? exportName)
    {
        if (exportName is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(exportName);
        }

        return this with { InvokeExport = exportName };
    }

    /// <summary>Links WASI preview 1 (true, the default) or nothing but the granted host functions (false).</summary>
    [Pure]
    public WasmBackendOptions WithWasi(bool enabled) => this with { IsWasiEnabled = enabled };

    /// <summary>Sets the maximum wasm stack (64 KiB to 64 MiB).</summary>
    [Pure]
    public WasmBackendOptions WithMaxWasmStack(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 64 * ByteSize.KiB);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, 64 * ByteSize.MiB);
        return this with { MaxWasmStackBytes = bytes };
    }

    /// <summary>Sets the maximum elements per table (1 to 10,000,000).</summary>
    [Pure]
    public WasmBackendOptions WithMaxTableElements(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 10_000_000);
        return this with { MaxTableElements = count };
    }

    /// <summary>Keeps compiled modules in <paramref name="directory"/> (absolute; created private to the user if missing); null for memory only.</summary>
    /// <remarks>
    /// Compiled modules are native code that Wasmtime loads without re-verifying it. Cordon checks a SHA-256 of every
    /// cache file before loading it (a corrupted file is ignored and rebuilt), and refuses to use a directory that other
    /// users can write to. Anyone who can write the directory as you can still make you run their code.
    /// </remarks>
    [Pure]
    public WasmBackendOptions WithModuleCache(string? directory)
    {
        if (directory is not null && !Path.IsPathFullyQualified(directory))
        {
            throw new ArgumentException($"the module cache directory must be an absolute path, not '{directory}'", nameof(directory));
        }

        return this with { ModuleCacheDirectory = directory };
    }

    /// <summary>Grants one more host function; each module::name may be granted once.</summary>
    [Pure]
    public WasmBackendOptions Grant(WasmHostFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (HostFunctions.Any(f => f.Module == function.Module && f.Name == function.Name))
        {
            throw new ArgumentException($"{function.Module}::{function.Name} is already granted", nameof(function));
        }

        return this with { HostFunctions = HostFunctions.Add(function) };
    }

    /// <summary>Sets how many modules may run at once (1 to 1024).</summary>
    [Pure]
    public WasmBackendOptions WithMaxConcurrentRuns(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1024);
        return this with { MaxConcurrentRuns = count };
    }

    /// <summary>Uses the pooling allocator with <paramref name="memoryBytesPerInstance"/> of linear memory per slot (64 KiB to 4 GiB).</summary>
    [Pure]
    public WasmBackendOptions WithPoolingAllocator(long memoryBytesPerInstance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBytesPerInstance, 64 * ByteSize.KiB);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryBytesPerInstance, 4 * ByteSize.GiB);
        return this with { PoolingMemoryBytesPerInstance = memoryBytesPerInstance };
    }

    /// <summary>Allocates every instance on demand instead of from the pooling allocator.</summary>
    [Pure]
    public WasmBackendOptions WithoutPoolingAllocator() => this with { PoolingMemoryBytesPerInstance = null };
}
