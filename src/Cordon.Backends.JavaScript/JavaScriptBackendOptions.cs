using System.Collections.Immutable;

namespace Cordon.Backends.JavaScript;

/// <summary>Settings of a <see cref="JavaScriptSandboxBackend"/> that the tier-independent policy does not cover. Immutable; use the <c>With</c> methods.</summary>
public sealed record JavaScriptBackendOptions
{
    /// <summary>No statement budget, a call depth of 1000, no host functions, one worker per core, a 1 s stop grace.</summary>
    public static JavaScriptBackendOptions Default { get; } = new();

    /// <summary>Statements a run may execute before it ends <c>cpu_time_exceeded</c> (limit <c>statements</c>); null for no budget.</summary>
    /// <remarks>Deterministic, like the Wasm tier's fuel: the same script stops at the same statement on any machine.</remarks>
    public int? MaxStatements { get; init; }

    /// <summary>Deepest call nesting before the run ends <c>trapped</c> (limit <c>recursion</c>, trap code <c>recursion_limit</c>).</summary>
    public int MaxRecursionDepth { get; init; } = 1000;

    /// <summary>The host functions every script gets, as globals (nothing else is granted beyond console, args and env).</summary>
    public ImmutableArray<JavaScriptHostFunction> HostFunctions { get; init; } = [];

    /// <summary>Scripts run at once; more queue for a worker.</summary>
    public int MaxConcurrentRuns { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// How long after a limit fires the engine may take to stop before the watchdog abandons the run: the result is
    /// returned with a warning and the worker thread is replaced (it keeps running until the engine returns).
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether <c>eval</c> and <c>new Function(string)</c> may compile code at run time (ECMAScript standard; on by default).</summary>
    public bool AllowStringCompilation { get; init; } = true;

    /// <summary>Stack size of each worker thread; the engine's stack guard turns exhaustion into a catchable <c>RangeError</c>.</summary>
    public int WorkerStackBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Sets <see cref="MaxStatements"/>.</summary>
    public JavaScriptBackendOptions WithMaxStatements(int? statements)
    {
        if (statements is <= 0) throw new ArgumentOutOfRangeException(nameof(statements), statements, "a statement budget must be positive (or null for none)");
        return this with { MaxStatements = statements };
    }

    /// <summary>Sets <see cref="MaxRecursionDepth"/>.</summary>
    public JavaScriptBackendOptions WithMaxRecursionDepth(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return this with { MaxRecursionDepth = depth };
    }

    /// <summary>Adds host functions (names must be unique and must not shadow a standard global or a tier capability).</summary>
    public JavaScriptBackendOptions WithHostFunctions(params JavaScriptHostFunction[] functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ImmutableArray<JavaScriptHostFunction> all = [.. HostFunctions, .. functions];
        if (all.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"host function '{duplicate.Key}' is granted twice", nameof(functions));
        }

        return this with { HostFunctions = all };
    }

    /// <summary>Sets <see cref="MaxConcurrentRuns"/>.</summary>
    public JavaScriptBackendOptions WithMaxConcurrentRuns(int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        return this with { MaxConcurrentRuns = runs };
    }

    /// <summary>Sets <see cref="StopGrace"/>.</summary>
    public JavaScriptBackendOptions WithStopGrace(TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        return this with { StopGrace = grace };
    }

    /// <summary>Sets <see cref="AllowStringCompilation"/>.</summary>
    public JavaScriptBackendOptions WithStringCompilation(bool allowed) => this with { AllowStringCompilation = allowed };
}
