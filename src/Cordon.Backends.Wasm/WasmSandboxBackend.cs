using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Workers;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>
/// The WebAssembly tier: runs a <c>.wasm</c> or <c>.wat</c> module on Wasmtime with no ambient authority, under the
/// same <see cref="SandboxPolicy"/> and with the same <see cref="SandboxResult"/> as the other tiers.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SandboxCommand.Program"/> is the host path of the module; <see cref="SandboxCommand.Arguments"/> are
/// its WASI arguments, or the parameters of <see cref="WasmBackendOptions.InvokeExport"/>. A module gets WASI
/// preview 1 (when enabled) and the granted <see cref="WasmBackendOptions.HostFunctions"/>; a module that imports
/// anything else is not instantiated and the run ends <see cref="SandboxOutcome.ExecFailed"/> with a detail naming
/// every missing import.
/// </para>
/// <para>
/// Verdicts: wall time (epoch interruption, checked every 10 ms, so a loop without calls stops too) →
/// <see cref="SandboxOutcome.WallTimeExceeded"/>; the policy's CPU time (thread CPU time, same checks) or the fuel
/// budget → <see cref="SandboxOutcome.CpuTimeExceeded"/> (detail <c>fuel exhausted ...</c> for fuel); a refused
/// <c>memory.grow</c> followed by failure → <see cref="SandboxOutcome.MemoryExceeded"/>; output past the cap with
/// <see cref="OutputAction.Kill"/> → <see cref="SandboxOutcome.OutputExceeded"/>; a trap →
/// <see cref="SandboxOutcome.Trapped"/> with detail <c>trap: CODE</c>; WASI <c>proc_exit(n)</c> or a return from
/// <c>_start</c> → <see cref="SandboxOutcome.Exited"/>.
/// </para>
/// <para>
/// Every limit here is enforced inside the calling process. Wasmtime is a strong isolation boundary for memory
/// safety, but a bug in it or in a granted host function is a bug in your process: run hostile, multi-tenant
/// modules with the process tier around this one.
/// </para>
/// <para>
/// One instance owns one engine, its compiled-module cache, an epoch thread and a few worker threads: create it once
/// and share it. It is safe to call <see cref="RunAsync"/> and <see cref="Run"/> concurrently; dispose it after every
/// run has finished.
/// </para>
/// </remarks>
public sealed partial class WasmSandboxBackend : ISandboxBackend, IDisposable
{
    /// <summary>Host stack kept on each worker thread beyond the wasm stack, for host frames (WASI, host functions, .NET).</summary>
    private const int HostStackReserveBytes = 4 * 1024 * 1024;

    private readonly Engine _engine;
    private readonly PoolingAllocationConfig? _pooling;
    private readonly Linker _linker;
    private readonly Linker? _wasiOnlyLinker;
    private readonly EpochTicker _ticker;
    private readonly WorkerPool _workers;
    private readonly CompiledModuleCache _modules;
    private readonly SemaphoreSlim _runSlots;
    private readonly System.Collections.Concurrent.ConcurrentBag<OutputFiles> _outputFiles = [];
    private readonly int _runStackBytes;
    private bool _disposed;

    /// <summary>Creates a backend with <see cref="WasmBackendOptions.Default"/>.</summary>
    /// <exception cref="BackendUnavailableException">Wasmtime's native library cannot be loaded on this host.</exception>
    public WasmSandboxBackend() : this(WasmBackendOptions.Default) { }

    /// <summary>Creates a backend: one engine, linker and cache for every run made through it.</summary>
    /// <exception cref="ArgumentException">A granted host function collides with WASI.</exception>
    /// <exception cref="BackendUnavailableException">Wasmtime's native library cannot be loaded on this host.</exception>
    public WasmSandboxBackend(WasmBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsWasiEnabled && options.HostFunctions.FirstOrDefault(f => f.Module is "wasi_snapshot_preview1") is { } clash)
        {
            throw new ArgumentException($"{clash.Module}::{clash.Name} would replace a WASI function; disable WASI (WithWasi(false)) to grant WASI names yourself", nameof(options));
        }

        Options = options;
        try
        {
            (_engine, _pooling, EngineKey) = WasmtimeEngineFactory.Create(options);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new BackendUnavailableException("wasmtime", $"the Wasmtime native library could not be loaded ({e.Message})",
                "use a platform the Wasmtime NuGet package ships a runtime for (linux-x64, linux-arm64, osx, win-x64), or another tier");
        }

        _linker = new Linker(_engine);
        if (options.IsWasiEnabled)
        {
            _linker.DefineWasi();
            _wasiOnlyLinker = new Linker(_engine);
            _wasiOnlyLinker.DefineWasi();
            InterruptiblePollOneoff.Define(_linker, _wasiOnlyLinker);
        }

        foreach (WasmHostFunction function in options.HostFunctions)
        {
            _linker.DefineFunction(function.Module, function.Name, Guard(function),
                [.. function.Parameters.Select(WasmHostFunction.ToKind)], [.. function.Results.Select(WasmHostFunction.ToKind)]);
        }

        _ticker = new EpochTicker(_engine);
        _runStackBytes = checked((int)options.MaxWasmStackBytes + HostStackReserveBytes);
        _runSlots = new SemaphoreSlim(options.MaxConcurrentRuns, options.MaxConcurrentRuns);
        _workers = new WorkerPool("cordon-wasm-", options.MaxConcurrentRuns, _runStackBytes);
        _modules = new CompiledModuleCache(_engine, EngineKey, options.ModuleCacheDirectory);
    }

    /// <inheritdoc />
    public string Name => "wasm";

    /// <summary>The options this backend was built with.</summary>
    public WasmBackendOptions Options { get; }

    /// <summary>The Wasmtime version embedded (the NuGet package version, e.g. <c>50.0.1</c>).</summary>
    public static string WasmtimeVersion => WasmtimeEngineFactory.WasmtimeVersion;

    /// <summary>What names this engine's compiled code in the disk cache (Wasmtime version and engine settings).</summary>
    internal string EngineKey { get; }

    /// <inheritdoc />
    /// <remarks>See <see cref="RunWasmAsync"/>, which also reports consumed fuel and the trap code.</remarks>
    public async Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
        => (await RunWasmAsync(policy, command, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>Runs the module at <see cref="SandboxCommand.Program"/> under <paramref name="policy"/>.</summary>
    /// <returns>The result, with the fuel consumed and the trap code (see <see cref="WasmRunResult"/>).</returns>
    /// <exception cref="SandboxSetupException">
    /// The policy asks for something this tier cannot enforce (a size-capped tmpfs, inherited descriptors), or the
    /// stdin file could not be prepared.
    /// </exception>
    /// <remarks>
    /// A bad module (missing, malformed, truncated, importing what is not granted, lacking the entry point, given
    /// arguments that do not fit the invoked export) is a result, not an exception: <see cref="SandboxOutcome.ExecFailed"/>
    /// with a detail, like a program that cannot be executed in the process tier. Exceptions thrown by the caller's
    /// <see cref="SandboxCommand.OnOutput"/> observer stop the guest and are rethrown here.
    /// </remarks>
    public Task<WasmRunResult> RunWasmAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_disposed, this);
        WasiSetup.Validate(policy, command);
        Tier.WasmTier.Assessment(policy).ThrowIfRefused();

        return PostToWorker(policy, command, cancellationToken, TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Runs the module synchronously, on the calling thread when its stack has room for the run.</summary>
    /// <returns>The result, as <see cref="RunWasmAsync"/> would return it.</returns>
    /// <exception cref="SandboxSetupException">As for <see cref="RunWasmAsync"/>.</exception>
    /// <remarks>
    /// A thread with at least the wasm stack (<see cref="WasmBackendOptions.MaxWasmStackBytes"/>) plus 4 MiB for host
    /// frames left below the caller's frame runs the module itself, with no hand-off to a worker thread and back (the
    /// main thread, or a thread created with a large enough stack). Any other thread (thread-pool threads have 1.5 MiB)
    /// hands the run to a worker and blocks until it ends. Either way the run counts towards
    /// <see cref="WasmBackendOptions.MaxConcurrentRuns"/>, and waits for a free slot first.
    /// </remarks>
    public WasmRunResult RunWasm(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_disposed, this);
        WasiSetup.Validate(policy, command);
        Tier.WasmTier.Assessment(policy).ThrowIfRefused();

        if (CallerStack.RemainingBytes() >= _runStackBytes)
        {
            return ExecuteInSlot(policy, command, cancellationToken);
        }

        return PostToWorker(policy, command, cancellationToken, TaskCreationOptions.None).GetAwaiter().GetResult();
    }

    /// <summary>Runs the module synchronously; see <see cref="RunWasm"/>.</summary>
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
        => RunWasm(policy, command, cancellationToken).Result;

    private Task<WasmRunResult> PostToWorker(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken, TaskCreationOptions continuations)
    {
        var completion = new TaskCompletionSource<WasmRunResult>(continuations);
        _workers.Post(() =>
        {
            try
            {
                completion.TrySetResult(ExecuteInSlot(policy, command, cancellationToken));
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        return completion.Task;
    }

    /// <summary>One run in one of the <see cref="WasmBackendOptions.MaxConcurrentRuns"/> slots (a pooling-allocator slot each).</summary>
    private WasmRunResult ExecuteInSlot(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        _runSlots.Wait(CancellationToken.None);
        try
        {
            return Execute(policy, command, cancellationToken);
        }
        finally
        {
            _runSlots.Release();
        }
    }

    /// <summary>Stops the worker and epoch threads and frees the engine. Call after every run has completed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _workers.Dispose();
        _ticker.Dispose();
        _modules.Dispose();
        _linker.Dispose();
        _wasiOnlyLinker?.Dispose();
        _engine.Dispose();
        _pooling?.Dispose();
        _runSlots.Dispose();
        while (_outputFiles.TryTake(out OutputFiles? files))
        {
            files.Dispose();
        }
    }

    /// <summary>Wraps a host function so that its failure is attributed to it in the result.</summary>
    /// <remarks>
    /// The wrapper must not throw from inside its catch block: when the host function fails with a hardware-raised
    /// exception (DivideByZeroException from SIGFPE, NullReferenceException from SIGSEGV) under Wasmtime's signal
    /// handlers, rethrowing from the catch block aborts the process (observed with Wasmtime 50.0.1 on .NET 10).
    /// Throwing a new exception after the catch block has completed is safe.
    /// </remarks>
    private static Function.UntypedCallbackDelegate Guard(WasmHostFunction function) => (caller, arguments, results) =>
    {
        Exception? failure = null;
        try
        {
            function.Callback(caller, arguments, results);
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (failure is not null)
        {
            if (caller.GetData() is RunState run)
            {
                run.HostFunctionFailure ??= (function, failure);
            }

            throw new HostFunctionFailedException(function, failure);
        }
    };
}
