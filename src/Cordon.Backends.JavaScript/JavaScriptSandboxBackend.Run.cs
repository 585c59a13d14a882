using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Acornima.Ast;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Cordon.Backends.JavaScript;

public sealed partial class JavaScriptSandboxBackend
{
    /// <summary>One run, on a worker thread: read, parse, build the engine, run, classify.</summary>
    private JavaScriptRunResult Execute(SandboxPolicy policy, SandboxCommand command, string? source, Events.RunEvents events,
        TaskCompletionSource<JavaScriptRunResult> completion, CancellationToken cancellationToken)
    {
        List<string> warnings = [.. Tier.JavaScriptTier.Assessment(policy).Warnings];
        events.Started(policy.Limits);

        if (cancellationToken.IsCancellationRequested)
        {
            return Early(policy, SandboxOutcome.Canceled, "canceled before the script started", warnings);
        }

        string name = command.Program;
        if (source is null)
        {
            if (!TryReadScript(command.Program, out source, out string problem))
            {
                return Early(policy, SandboxOutcome.ExecFailed, problem, warnings);
            }

            name = Path.GetFileName(command.Program);
        }

        using var run = new RunState(policy.Limits, cancellationToken);
        OutputObserver? observer = events.WantsOutput ? events.Output : null;
        var stdout = new StreamCapture(OutputStream.StandardOutput, policy.Limits, observer, run);
        var stderr = new StreamCapture(OutputStream.StandardError, policy.Limits, observer, run);
        var files = new GrantedFiles(policy);
        Thread worker = Thread.CurrentThread;
        if (!ThreadCpuClock.IsSupported)
        {
            warnings.Add("thread CPU time cannot be read on this OS: usage reports zero CPU and the CPU-time limit is not enforced (wall time is)");
        }

        ThreadCpuClock.TryRead(out TimeSpan userBefore, out TimeSpan systemBefore);
        run.Start();
        Verdict verdict;
        using (_watchdog.Watch(run, () => Abandon(run, policy, stdout, stderr, warnings, worker, events, completion)))
        {
            verdict = RunScript(policy, command, name, source, run, files, stdout, stderr);
        }

        TimeSpan wall = run.Elapsed;
        long allocated = run.AllocatedBytes;
        ThreadCpuClock.TryRead(out TimeSpan userAfter, out TimeSpan systemAfter);
        if (!run.TryFinish())
        {
            // The watchdog already returned a result for this run; this one is discarded.
            return completion.Task.Result;
        }

        if (run.ObserverFailure is { } observerFailure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(observerFailure);
        }

        var usage = new ResourceUsage(userAfter - userBefore, systemAfter - systemBefore,
            allocated, OomKilled: false, PeakProcesses: null, ProcessLimitHit: false);
        var result = new SandboxResult(verdict.Outcome, verdict.ExitCode, signal: null, wall, usage, stdout.ToCaptured(), stderr.ToCaptured(),
            [], [.. warnings], policy.Limits, verdict.Detail);
        return new JavaScriptRunResult(result, verdict.Limit, verdict.ErrorName, run.Denials);
    }

    /// <summary>Parses and runs the script on this thread; every way it can end becomes a verdict.</summary>
    private Verdict RunScript(SandboxPolicy policy, SandboxCommand command, string name, string source, RunState run,
        GrantedFiles files, StreamCapture stdout, StreamCapture stderr)
    {
        Prepared<Script> script;
        try
        {
            script = _scripts.Get(name, source);
        }
        catch (Exception e) when (e is Acornima.ParseErrorException or ScriptPreparationException or JavaScriptException)
        {
            string message = UntrustedText.Fragment(e is ScriptPreparationException { InnerException: { } inner } ? inner.Message : e.Message);
            WriteQuietly(stderr, $"Uncaught SyntaxError: {message}\n");
            return Verdict.Exited(1, "SyntaxError", $"syntax error: {message}");
        }

        try
        {
            Engine engine = CreateEngine(policy, run);
            ScriptGlobals.Install(engine, policy, command, run, files, stdout, stderr, Options);
            engine.Execute(in script);
            return run.StopReason != StopReason.None ? Stopped(run, policy.Limits) : Verdict.Exited(0);
        }
        catch (Exception e)
        {
            return Classify(e, run, policy.Limits, stderr);
        }
    }

    /// <summary>A fresh engine for one run: the standard library, the limits, and no door of any kind.</summary>
    private Engine CreateEngine(SandboxPolicy policy, RunState run)
    {
        ResourceLimits limits = policy.Limits;
        var denials = new Denials(run);
        var engine = new Engine(options =>
        {
            options.Culture = CultureInfo.InvariantCulture;
            options.TimeZone = TimeZoneInfo.Utc;   // the host's time zone is none of the script's business
            options.Interop.Enabled = false;       // already the default; never turn CLR access on
            options.AgentCanSuspend = false;       // Atomics.wait would otherwise block this thread for ever
            options.Host.StringCompilationAllowed = Options.AllowStringCompilation;
            options.Modules.ModuleLoader = denials;
            options.SetReferencesResolver(denials, ReferenceResolverInterests.UnresolvableReference);
            options.Constraints.MaxRecursionDepth = Options.MaxRecursionDepth;
            // .NET regular expressions only stop at their own timeout (Jint's default is 10 s, whatever the run's
            // budget): give each match at most the run's whole time budget.
            options.Constraints.RegexTimeout = RegexBudget(limits);
            options.CancellationToken(run.EngineToken);
            if (limits.WallTime is { } wall) options.TimeoutInterval(wall);
            if (Options.MaxStatements is { } statements) options.MaxStatements(statements);
            if (limits.MemoryBytes is { } memory)
            {
                options.LimitMemory(memory);
                // A dense array element costs at least 8 bytes; longer arrays could never fit the budget.
                options.Constraints.MaxArraySize = (uint)Math.Clamp(memory / 8, 1024, uint.MaxValue);
            }
        });

        // ShadowRealm (a proposal, not ECMAScript) would hand out a second, unguarded set of intrinsics. Deleting the
        // global costs more than the rest of a trivial run (the global object leaves its fast shape), so it reads as
        // undefined instead, and a read is recorded.
        engine.Advanced.AddLazyGlobal("ShadowRealm", run, static (_, r) =>
        {
            r.Deny("ShadowRealm: not available (a second realm would bypass the run's allocation guards)");
            return JsValue.Undefined;
        }, PropertyFlag.Writable | PropertyFlag.Configurable);
        if (limits.MemoryBytes is not null)
        {
            AllocationGuards.Install(engine, run);
        }

        return engine;
    }

    private static TimeSpan RegexBudget(ResourceLimits limits)
    {
        TimeSpan budget = Timeout.InfiniteTimeSpan;
        foreach (TimeSpan? limit in (ReadOnlySpan<TimeSpan?>)[limits.WallTime, limits.CpuTime])
        {
            if (limit is { } l && (budget == Timeout.InfiniteTimeSpan || l < budget)) budget = l;
        }

        return budget == Timeout.InfiniteTimeSpan ? TimeSpan.FromDays(1) : budget;
    }

    /// <summary>Works out the verdict from how the engine ended.</summary>
    private Verdict Classify(Exception failure, RunState run, ResourceLimits limits, StreamCapture stderr)
    {
        if (failure is RegexMatchTimeoutException)
        {
            // The match ran for the run's whole time budget: whichever limit is the smaller one has passed (the
            // watchdog may have said so first).
            run.RequestStop(limits.CpuTime is { } cpu && (limits.WallTime is not { } w || cpu < w) ? StopReason.CpuTimeExceeded : StopReason.WallTimeExceeded);
            Verdict stopped = Stopped(run, limits);
            return stopped with { Detail = stopped.Detail + " (in one regular-expression match)" };
        }

        // Cordon stopped it (watchdog, allocation guard, output cap, caller): that reason wins.
        if (run.StopReason != StopReason.None)
        {
            return Stopped(run, limits);
        }

        switch (failure)
        {
            case RunInterruptedException interrupted:
                run.RequestStop(interrupted.Reason);
                return Stopped(run, limits);
            case TimeoutException:
                run.RequestStop(StopReason.WallTimeExceeded);
                return Stopped(run, limits);
            case StatementsCountOverflowException:
                run.RequestStop(StopReason.StatementsExceeded);
                return Stopped(run, limits);
            case MemoryLimitExceededException or OutOfMemoryException:
                run.RequestStop(StopReason.MemoryExceeded);
                return Stopped(run, limits);
            case RecursionDepthOverflowException or InsufficientExecutionStackException:
                run.RequestStop(StopReason.RecursionExceeded);
                return Stopped(run, limits);
            case ExecutionCanceledException:
                run.RequestStop(StopReason.Canceled);
                return Stopped(run, limits);
            case HostFunctionFailedException host:
                return new Verdict(SandboxOutcome.Trapped, null, null, null,
                    $"trap: host_function_error ({host.Function.Name} threw {host.InnerException!.GetType().Name}: {UntrustedText.Fragment(host.InnerException.Message)})");
            case JavaScriptException thrown:
                (string? errorName, string message) = Describe(thrown);
                string stack = thrown.JavaScriptStackTrace is { Length: > 0 } s ? "\n" + s.TrimEnd() : "";
                WriteQuietly(stderr, $"Uncaught {(errorName is null ? "" : errorName + ": ")}{message}{stack}\n");
                return Verdict.Exited(1, errorName, $"uncaught {(errorName ?? "exception")}: {UntrustedText.Fragment(message)}");
            default:
                return new Verdict(SandboxOutcome.Trapped, null, null, null,
                    $"trap: engine_error ({failure.GetType().Name}: {UntrustedText.Fragment(failure.Message)})");
        }
    }

    /// <summary>The verdict for a run Cordon stopped, from the recorded reason.</summary>
    private Verdict Stopped(RunState run, ResourceLimits limits) => run.StopReason switch
    {
        StopReason.WallTimeExceeded => new(SandboxOutcome.WallTimeExceeded, null, JavaScriptLimit.WallTime, null,
            $"wall-time limit {DurationText.Format(limits.WallTime ?? run.Elapsed)} reached"),
        StopReason.CpuTimeExceeded => new(SandboxOutcome.CpuTimeExceeded, null, JavaScriptLimit.CpuTime, null,
            $"cpu-time limit {DurationText.Format(limits.CpuTime ?? run.CpuTime)} reached (the engine thread's CPU time)"),
        StopReason.StatementsExceeded => new(SandboxOutcome.CpuTimeExceeded, null, JavaScriptLimit.Statements, null,
            $"statement limit reached: {Options.MaxStatements?.ToString("N0", CultureInfo.InvariantCulture)} statements"),
        StopReason.MemoryExceeded => new(SandboxOutcome.MemoryExceeded, null, JavaScriptLimit.Memory, null,
            $"memory limit {ByteSize.Format(limits.MemoryBytes ?? 0)} reached (bytes allocated by the run)"),
        StopReason.RecursionExceeded => new(SandboxOutcome.Trapped, null, JavaScriptLimit.Recursion, null,
            $"trap: recursion_limit (call depth above {Options.MaxRecursionDepth.ToString(CultureInfo.InvariantCulture)})"),
        StopReason.OutputExceeded => new(SandboxOutcome.OutputExceeded, null, JavaScriptLimit.Output, null,
            $"{run.OutputExceededStream} passed the {ByteSize.Format(limits.MaxOutputBytes ?? 0)} output cap (output action: kill)"),
        _ => new(SandboxOutcome.Canceled, null, null, null, "canceled by the caller"),
    };

    /// <summary>
    /// Called by the watchdog when a stopped run's engine did not return within the grace period: returns the verdict
    /// now and retires the worker thread, which keeps running until the engine comes back.
    /// </summary>
    private void Abandon(RunState run, SandboxPolicy policy, StreamCapture stdout, StreamCapture stderr, List<string> warnings,
        Thread worker, Events.RunEvents events, TaskCompletionSource<JavaScriptRunResult> completion)
    {
        if (!run.TryFinish())
        {
            return;
        }

        _workers.Retire(worker);
        Verdict verdict = Stopped(run, policy.Limits);
        string warning = $"the engine did not stop within {DurationText.Format(Options.StopGrace)} of the limit; its worker thread was abandoned and may keep using CPU until the engine returns (use --contain for hostile scripts)";
        var result = new SandboxResult(verdict.Outcome, null, null, run.Elapsed, new ResourceUsage(run.CpuTime, TimeSpan.Zero, null, false, null, false),
            stdout.ToCaptured(), stderr.ToCaptured(), [], [.. warnings, warning], policy.Limits, verdict.Detail);
        completion.TrySetResult(Finished(new JavaScriptRunResult(result, verdict.Limit, null, run.Denials), events));
    }

    /// <summary>The error's name and message from its own data properties: no getter or toString of the script runs here.</summary>
    private static (string? Name, string Message) Describe(JavaScriptException thrown)
    {
        JsValue error = thrown.Error;
        if (error is not ObjectInstance obj)
        {
            return (null, error.IsSymbol() ? error.ToString() : TypeConverter.ToString(error));
        }

        return (DataString(obj, "name"), DataString(obj, "message") ?? "");
    }

    private static string? DataString(ObjectInstance obj, string key)
    {
        for (ObjectInstance? o = obj; o is not null; o = o.Prototype)
        {
            PropertyDescriptor own = o.GetOwnProperty(key);
            if (own == PropertyDescriptor.Undefined) continue;
            return own.IsDataDescriptor() && own.Value.IsString() ? own.Value.AsString() : null;
        }

        return null;
    }

    private static void WriteQuietly(StreamCapture capture, string text)
    {
        try
        {
            capture.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (RunInterruptedException)
        {
            // The report of an error passed the cap: the verdict stays the error's.
        }
    }

    private static bool TryReadScript(string path, out string source, out string problem)
    {
        source = "";
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                problem = $"script '{UntrustedText.Fragment(path)}' does not exist";
                return false;
            }

            if (info.Length > MaxScriptBytes)
            {
                problem = $"script '{UntrustedText.Fragment(path)}' is {ByteSize.Format(info.Length)}, above the {ByteSize.Format(MaxScriptBytes)} the tier accepts";
                return false;
            }

            source = File.ReadAllText(path, Encoding.UTF8);
            problem = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"script '{UntrustedText.Fragment(path)}' cannot be read: {e.Message}";
            return false;
        }
    }

    private static JavaScriptRunResult Early(SandboxPolicy policy, SandboxOutcome outcome, string detail, List<string> warnings)
        => new(new SandboxResult(outcome, null, null, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty,
            [], [.. warnings], policy.Limits, detail), null, null, []);
}
