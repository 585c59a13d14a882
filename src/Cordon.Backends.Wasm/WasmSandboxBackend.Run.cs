using System.Collections.Immutable;
using System.Globalization;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;
using Wasmtime;

namespace Cordon.Backends.Wasm;

public sealed partial class WasmSandboxBackend
{
    private const string StartExport = "_start";
    private const string InitializeExport = "_initialize";
    private const long WasmPageBytes = 64 * ByteSize.KiB;

    /// <summary>
    /// How close to the memory limit a failed run's linear memory must end for the verdict to be MemoryExceeded:
    /// the larger of 1 MiB and an eighth of the limit.
    /// </summary>
    /// <remarks>
    /// A refused <c>memory.grow</c> returns -1 instead of trapping, and Wasmtime 50.0.1's .NET API has no
    /// resource-limiter callback that would report the refusal. What a module asks for in one grow is its allocator's
    /// business: one page for a naive loop, the request size rounded to pages for dlmalloc (wasi-libc, Rust), a
    /// geometric step for some runtimes. Ending within this window of the limit covers page-wise and chunked growth;
    /// a single huge or geometric request refused far below the limit is not recognised, and the run keeps its own
    /// verdict (the trap or exit code).
    /// </remarks>
    private static long MemoryVerdictWindow(long limit) => Math.Max(ByteSize.MiB, limit / 8);

    /// <summary>One run, on a worker thread or the caller's, as a stream of events: started, output, finished with the tier's details.</summary>
    private WasmRunResult Execute(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
    {
        var events = new Events.RunEvents(command, Name);
        events.Started(policy.Limits);
        WasmRunResult run = ExecuteRun(policy, command, events, cancellationToken);
        return run with { Result = events.Finished(run.Result) };
    }

    /// <summary>Load, link, instantiate, run, classify.</summary>
    private WasmRunResult ExecuteRun(SandboxPolicy policy, SandboxCommand command, Events.RunEvents events, CancellationToken cancellationToken)
    {
        List<string> warnings = [.. Tier.WasmTier.Assessment(policy).Warnings];
        if (_modules.DirectoryWarning is { } cacheWarning)
        {
            warnings.Add(cacheWarning);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Finish(policy, SandboxOutcome.Canceled, "canceled before the module started", warnings);
        }

        ModuleLoad load = _modules.Load(command.Program);
        if (load.Module is not { } loaded)
        {
            return Finish(policy, SandboxOutcome.ExecFailed, load.Problem, warnings);
        }

        if (Interlocked.Exchange(ref loaded.PendingWarning, null) is { } compileWarning)
        {
            warnings.Add(compileWarning);
        }

        string? invoke = Options.InvokeExport;
        string entry = invoke ?? StartExport;
        if ((loaded.EntryCheck ??= new EntryCheckResult(FindEntry(loaded.Module, entry))).Problem is { } entryProblem)
        {
            return Finish(policy, SandboxOutcome.ExecFailed, entryProblem, warnings);
        }

        ValueBox[] arguments = [];
        if (invoke is not null)
        {
            FunctionExport export = loaded.Module.Exports.OfType<FunctionExport>().First(e => e.Name == invoke);
            if (InvokeArguments.Unsupported(invoke, export.Parameters, export.Results) is { } unsupported)
            {
                return Finish(policy, SandboxOutcome.ExecFailed, unsupported, warnings);
            }

            if (!InvokeArguments.TryParse(invoke, export.Parameters, command.Arguments, out arguments, out string problem))
            {
                return Finish(policy, SandboxOutcome.ExecFailed, problem, warnings);
            }
        }

        long? memoryLimit = EffectiveMemoryLimit(policy.Limits, warnings);
        using var run = new RunState(policy.Limits, cancellationToken);
        // Declared before the store, so disposed after it: WASI has closed its descriptors of the files by then.
        using OutputFiles.Lease outputFiles = Options.IsWasiEnabled ? OutputFiles.Rent(_outputFiles) : default;
        OutputObserver? observer = events.WantsOutput ? events.Output : null;
        var stdout = new StreamCapture(OutputStream.StandardOutput, policy.Limits, observer, run);
        var stderr = new StreamCapture(OutputStream.StandardError, policy.Limits, observer, run);
        using var store = new Store(_engine, run);
        store.SetLimits(memorySize: memoryLimit, tableElements: (uint)Options.MaxTableElements, instances: 1,
            tables: WasmtimeEngineFactory.MaxTablesPerStore, memories: 1);
        if (Options.Fuel is { } fuel)
        {
            store.Fuel = (ulong)fuel;
        }

        store.SetEpochDeadline(1);
        store.SetEpochDeadlineCallback(static s =>
        {
            var state = (RunState)s.GetData()!;
            state.Output?.Drain();
            state.ThrowIfStopRequested();
            return 1;
        });

        if (Options.IsWasiEnabled)
        {
            run.Output = outputFiles.Files;
            using WasiSetup wasi = WasiSetup.Create(policy, command, invoke is not null, run.Output, stdout, stderr, warnings);
            wasi.Apply(store);
        }

        ImportCheckResult imports = loaded.ImportCheck ??= ImportCheck.Check(loaded.Module, _linker, store, Options);
        if (imports.Problem is { } importProblem)
        {
            return Finish(policy, SandboxOutcome.ExecFailed, importProblem, warnings);
        }

        if (!ThreadCpuClock.IsSupported)
        {
            warnings.Add("thread CPU time cannot be measured on this OS: usage reports zero CPU and the CPU-time limit is not enforced (fuel and wall time are)");
        }

        Instance? instance = null;
        Exception? failure = null;
        TimeSpan userCpu = TimeSpan.Zero, systemCpu = TimeSpan.Zero;
        ThreadCpuClock.TryRead(out TimeSpan userBefore, out TimeSpan systemBefore);
        using (_ticker.Activate())
        using (cancellationToken.Register(static state => ((RunState)state!).RequestStop(StopReason.Canceled), run))
        {
            run.Start();
            try
            {
                instance = _linker.Instantiate(store, loaded.Module);
                if (invoke is null)
                {
                    instance.GetFunction(StartExport)!.Invoke();
                }
                else
                {
                    if (Options.IsWasiEnabled && instance.GetFunction(InitializeExport) is { } initialize)
                    {
                        initialize.Invoke();
                    }

                    object? results = instance.GetFunction(invoke)!.Invoke(arguments);
                    run.Output?.Drain();  // what the export printed comes before its results
                    stdout.Write(InvokeArguments.Format(results));
                }
            }
            catch (WasmtimeException e)
            {
                failure = e;
            }

            if (ThreadCpuClock.TryRead(out TimeSpan userAfter, out TimeSpan systemAfter))
            {
                (userCpu, systemCpu) = (userAfter - userBefore, systemAfter - systemBefore);
            }
        }

        TimeSpan wallTime = run.Elapsed;
        long? fuelConsumed = Options.Fuel is { } budget ? budget - (long)Math.Min(store.Fuel, (ulong)budget) : null;
        (long? peakMemory, bool atMemoryLimit) = MeasureMemory(instance, memoryLimit);
        store.Dispose();
        run.Output?.Drain();  // the rest of the output: WASI writes synchronously, and the store is closed

        if (run.ObserverFailure is { } observerFailure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(observerFailure);
        }

        (SandboxOutcome outcome, int? exitCode, string? trapCode, string? detail) = Classify(failure, run, instance is null,
            fuelConsumed, policy.Limits, loaded.Module, memoryLimit, atMemoryLimit, peakMemory);

        var usage = new ResourceUsage(userCpu, systemCpu, peakMemory, OomKilled: false, PeakProcesses: null, ProcessLimitHit: false);
        var result = new SandboxResult(outcome, exitCode, signal: null, wallTime, usage, stdout.ToCaptured(), stderr.ToCaptured(),
            [], [.. warnings], policy.Limits, detail)
        {
            Details = new WasmDetails(fuelConsumed, trapCode, OutOfFuel: failure is TrapException { Type: TrapCode.OutOfFuel }),
        };
        return new WasmRunResult(result, fuelConsumed, trapCode);
    }

    /// <summary>Works out the verdict from how the guest ended (exception or none) and what Cordon observed.</summary>
    private (SandboxOutcome Outcome, int? ExitCode, string? TrapCode, string? Detail) Classify(Exception? failure, RunState run,
        bool failedToInstantiate, long? fuelConsumed, ResourceLimits limits, Module module, long? memoryLimit, bool atMemoryLimit, long? peakMemory)
    {
        // 1. Cordon stopped it (or wanted to: output past the cap with Kill ends the run even if it exited first).
        switch (run.StopReason)
        {
            case StopReason.Canceled:
                return (SandboxOutcome.Canceled, null, null, "canceled by the caller");
            case StopReason.OutputExceeded:
                return (SandboxOutcome.OutputExceeded, null, null,
                    $"{run.OutputExceededStream} passed the {ByteSize.Format(limits.MaxOutputBytes ?? 0)} output cap (output action: kill)");
            case StopReason.WallTimeExceeded:
                return (SandboxOutcome.WallTimeExceeded, null, null, $"wall-time limit {DurationText.Format(limits.WallTime!.Value)} reached");
            case StopReason.CpuTimeExceeded:
                return (SandboxOutcome.CpuTimeExceeded, null, null, $"cpu-time limit {DurationText.Format(limits.CpuTime!.Value)} reached (thread CPU time)");
        }

        // 2. It ended by itself: returned, exited, trapped, or could not be instantiated.
        SandboxOutcome outcome;
        int? exitCode = null;
        string? trapCode = null;
        string? detail = null;
        switch (failure)
        {
            case null:
                outcome = SandboxOutcome.Exited;
                exitCode = 0;
                break;
            case WasmtimeException { ExitCode: { } code }:
                outcome = SandboxOutcome.Exited;
                exitCode = code;
                break;
            case TrapException { Type: TrapCode.OutOfFuel }:
                return (SandboxOutcome.CpuTimeExceeded, null, null,
                    $"fuel exhausted: consumed {fuelConsumed?.ToString("N0", CultureInfo.InvariantCulture)} of {Options.Fuel?.ToString("N0", CultureInfo.InvariantCulture)} units");
            case TrapException trap:
                outcome = SandboxOutcome.Trapped;
                trapCode = TrapMapping.ToSnakeCase(trap.Type);
                detail = $"trap: {trapCode}";
                break;
            case WasmtimeException when run.HostFunctionFailure is ({ } function, { } error):
                outcome = SandboxOutcome.Trapped;
                trapCode = TrapMapping.HostFunctionError;
                detail = $"trap: {trapCode} ({function.Module}::{function.Name} threw {error.GetType().Name}: {UntrustedText.Fragment(error.Message)})";
                break;
            case WasmtimeException when failedToInstantiate:
                if (InitialMemoryBytes(module) is { } initial && initial > memoryLimit)
                {
                    return (SandboxOutcome.MemoryExceeded, null, null,
                        $"the module's initial linear memory ({ByteSize.Format(initial)}) exceeds the {ByteSize.Format(memoryLimit.Value)} memory limit");
                }

                return (SandboxOutcome.ExecFailed, null, null, $"instantiation failed: {UntrustedText.Fragment(FirstLine(failure.Message))}");
            default:
                outcome = SandboxOutcome.Trapped;
                trapCode = TrapMapping.Unknown;
                detail = $"trap: {trapCode} ({UntrustedText.Fragment(FirstLine(failure.Message))})";
                break;
        }

        // 3. A failure with linear memory at (or near) the limit: the store limiter most likely refused memory.grow
        // (which returns -1, not a trap) and the module then gave up. See MemoryVerdictWindow and the README.
        bool failed = outcome == SandboxOutcome.Trapped || (outcome == SandboxOutcome.Exited && exitCode != 0);
        if (failed && atMemoryLimit)
        {
            string then = trapCode is not null ? $"trapped ({trapCode})" : $"exited with {exitCode}";
            return (SandboxOutcome.MemoryExceeded, exitCode, trapCode,
                $"linear memory ended at {ByteSize.Format(peakMemory ?? 0)} of the {ByteSize.Format(memoryLimit!.Value)} limit (a memory.grow past the limit is refused) and the module then {then}");
        }

        return (outcome, exitCode, trapCode, detail);
    }

    /// <summary>An early result: nothing of the guest ran.</summary>
    private static WasmRunResult Finish(SandboxPolicy policy, SandboxOutcome outcome, string? detail, List<string> warnings)
        => new(new SandboxResult(outcome, null, null, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty,
            [], [.. warnings], policy.Limits, detail) { Details = new WasmDetails(null, null) }, null, null);

    /// <summary>Checks that the entry point is an exported function, naming the alternatives when it is not.</summary>
    private string? FindEntry(Module module, string entry)
    {
        ImmutableArray<string> functions = [.. module.Exports.OfType<FunctionExport>().Select(e => e.Name)];
        if (functions.Contains(entry))
        {
            return null;
        }

        string exported = functions.IsEmpty ? "it exports no functions"
            : $"it exports {string.Join(", ", functions.Take(20).Select(UntrustedText.Quote))}{(functions.Length > 20 ? ", ..." : "")}";
        return Options.InvokeExport is null
            ? $"module has no _start, so it is not a WASI command; {exported} (call one with invoke)"
            : $"module exports no function {UntrustedText.Quote(entry)}; {exported}";
    }

    /// <summary>The policy's memory limit, lowered to the pooling slot size when pooling is on (with a warning).</summary>
    private long? EffectiveMemoryLimit(ResourceLimits limits, List<string> warnings)
    {
        long? limit = limits.MemoryBytes;
        if (Options.PoolingMemoryBytesPerInstance is { } slot && (limit is null || limit > slot))
        {
            // A slot of 4 GiB (the default) is what a 32-bit memory can address anyway: no limit still means no limit.
            warnings.Add(limit is null && slot >= WasmBackendOptions.DefaultPoolingMemoryBytesPerInstance
                ? $"no memory limit: a linear memory can grow to {ByteSize.Format(slot)} (the pooling allocator's slot size)"
                : $"linear memory is capped at {ByteSize.Format(slot)} by the pooling allocator's slot size, below the policy's {(limit is null ? "unlimited" : ByteSize.Format(limit.Value))}");
            return slot;
        }

        if (limit is null)
        {
            warnings.Add("no memory limit: a linear memory can grow to 4G (more with memory64)");
        }

        return limit;
    }

    /// <summary>
    /// Linear memory in use at the end, which is also the peak (WebAssembly memories never shrink), and whether any
    /// memory ended within <see cref="MemoryVerdictWindow"/> of the limit.
    /// </summary>
    private static (long? PeakBytes, bool AtLimit) MeasureMemory(Instance? instance, long? limit)
    {
        if (instance is null)
        {
            return (null, false);
        }

        long? total = null;
        bool atLimit = false;
        foreach ((string _, Memory memory) in instance.GetMemories())
        {
            long length = memory.GetLength();
            total = (total ?? 0) + length;
            atLimit |= limit is { } l && length + MemoryVerdictWindow(l) > l;
        }

        return (total, atLimit);
    }

    /// <summary>Initial size of the module's exported memories, the ones whose declared minimum is visible.</summary>
    private static long? InitialMemoryBytes(Module module)
    {
        long? total = null;
        foreach (MemoryExport memory in module.Exports.OfType<MemoryExport>())
        {
            total = (total ?? 0) + (memory.Minimum * WasmPageBytes);
        }

        return total;
    }

    private static string FirstLine(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("; ", lines.Where(l => !l.StartsWith("0:", StringComparison.Ordinal)).Take(3));
    }
}
