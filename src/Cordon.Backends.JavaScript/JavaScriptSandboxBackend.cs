using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Workers;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// The JavaScript tier: runs a script on Jint, an ECMAScript interpreter in managed code, inside this process, with no
/// ambient authority, under the same <see cref="SandboxPolicy"/> and with the same <see cref="SandboxResult"/> as the
/// other tiers.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SandboxCommand.Program"/> is the host path of the script; <see cref="SandboxCommand.Arguments"/> are the
/// frozen global <c>args</c>. A script gets the ECMAScript standard library and nothing else: no CLR interop (never
/// enabled), no module loader, no timers, no network, no <c>require</c>/<c>process</c>/<c>fetch</c>. The policy maps to
/// <c>console</c> (captured and capped like every tier's output), <c>env</c> (exactly the policy's variables) and, when
/// the policy grants files, <c>readFile</c> (read-only, beneath a grant, no symlinks). The embedder adds capabilities
/// with <see cref="JavaScriptBackendOptions.HostFunctions"/>.
/// </para>
/// <para>
/// Verdicts, each with its <see cref="JavaScriptRunResult.Limit"/>: wall time and CPU time (a watchdog thread reading
/// the engine thread's CPU clock, plus the engine's own timeout) → <see cref="SandboxOutcome.WallTimeExceeded"/> /
/// <see cref="SandboxOutcome.CpuTimeExceeded"/>; the statement budget → <see cref="SandboxOutcome.CpuTimeExceeded"/>;
/// the memory budget (bytes the run allocates, checked by the engine between statements and before the built-ins that
/// allocate large blocks at once) → <see cref="SandboxOutcome.MemoryExceeded"/>; call depth →
/// <see cref="SandboxOutcome.Trapped"/> (<c>recursion_limit</c>); output past the cap with <see cref="OutputAction.Kill"/>
/// → <see cref="SandboxOutcome.OutputExceeded"/>. A script that completes exits 0; an uncaught error exits 1 with the
/// error on stderr, like Node.
/// </para>
/// <para>
/// Every limit here is enforced inside the calling process, and the engine, Cordon's host code and every granted
/// function run with your privileges: an engine bug is a host bug. Run hostile, multi-tenant scripts with the process
/// tier around this one (the CLI's <c>--tier js --contain</c>).
/// </para>
/// <para>
/// One instance owns a watchdog thread and a few worker threads: create it once and share it. <see cref="RunAsync"/>
/// is safe to call concurrently; every run gets a fresh engine, so nothing one script does is seen by the next.
/// </para>
/// </remarks>
public sealed partial class JavaScriptSandboxBackend : ISandboxBackend, IDisposable
{
    /// <summary>Most denials kept per run.</summary>
    public const int MaxDenials = 64;

    /// <summary>Largest script accepted (bytes).</summary>
    public const int MaxScriptBytes = 16 * 1024 * 1024;

    private readonly WorkerPool _workers;
    private readonly Watchdog _watchdog;
    private readonly PreparedScripts _scripts = new();
    private bool _disposed;

    /// <summary>Creates a backend with <see cref="JavaScriptBackendOptions.Default"/>.</summary>
    public JavaScriptSandboxBackend() : this(JavaScriptBackendOptions.Default) { }

    /// <summary>Creates a backend: one watchdog and worker pool for every run made through it.</summary>
    /// <exception cref="ArgumentException">A host function's name collides with a capability of the tier or a standard global.</exception>
    public JavaScriptSandboxBackend(JavaScriptBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HostFunctions.FirstOrDefault(f => ScriptGlobals.Reserved.Contains(f.Name)) is { } clash)
        {
            throw new ArgumentException($"host function '{clash.Name}' would replace the tier's own '{clash.Name}'", nameof(options));
        }

        if (!options.HostFunctions.IsEmpty)
        {
            // A granted function must add a name, never replace a standard global the script relies on (Object, JSON...).
            var standard = new Jint.Engine().Global;
            if (options.HostFunctions.FirstOrDefault(f => standard.HasProperty(f.Name)) is { } shadow)
            {
                throw new ArgumentException($"host function '{shadow.Name}' would replace the standard global '{shadow.Name}'; choose another name", nameof(options));
            }
        }

        Options = options;
        _workers = new WorkerPool("cordon-js-", options.MaxConcurrentRuns, options.WorkerStackBytes);
        _watchdog = new Watchdog(options.StopGrace);
    }

    /// <inheritdoc />
    public string Name => "js";

    /// <summary>The options this backend was built with.</summary>
    public JavaScriptBackendOptions Options { get; }

    /// <summary>The Jint version embedded (e.g. <c>4.18.0</c>).</summary>
    public static string EngineVersion { get; } =
        typeof(Jint.Engine).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "unknown";

    /// <summary>Worker threads whose run was abandoned because the engine did not stop, and that are still running.</summary>
    public int StuckWorkers => _workers.StuckWorkers;

    /// <inheritdoc />
    /// <remarks>See <see cref="RunJavaScriptAsync"/>, which also reports the limit that fired, the uncaught error and the denials.</remarks>
    public async Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
        => (await RunJavaScriptAsync(policy, command, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>Runs the script file at <see cref="SandboxCommand.Program"/> under <paramref name="policy"/>.</summary>
    /// <exception cref="SandboxSetupException">The policy asks for what this tier cannot give (stdin, inherited descriptors).</exception>
    /// <remarks>
    /// A missing or unreadable script is a result (<see cref="SandboxOutcome.ExecFailed"/>), like a program that cannot
    /// be executed in the process tier; a syntax error exits 1 with the error on stderr.
    /// </remarks>
    public Task<JavaScriptRunResult> RunJavaScriptAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Post(policy, command, source: null, cancellationToken);
    }

    /// <summary>Runs <paramref name="source"/> as a script named <see cref="SandboxCommand.Program"/> (the name shows in stack traces only).</summary>
    /// <exception cref="SandboxSetupException">The policy asks for what this tier cannot give (stdin, inherited descriptors).</exception>
    public Task<JavaScriptRunResult> RunSourceAsync(SandboxPolicy policy, string source, SandboxCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(command);
        return Post(policy, command, source, cancellationToken);
    }

    /// <summary>Stops the watchdog and the worker threads. Call after every run has completed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _workers.Dispose();
        _watchdog.Dispose();
    }

    private Task<JavaScriptRunResult> Post(SandboxPolicy policy, SandboxCommand command, string? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(command);
        Tier.JavaScriptTier.Assessment(policy).ThrowIfRefused();

        var completion = new TaskCompletionSource<JavaScriptRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new Events.RunEvents(command, Name);
        _workers.Post(() =>
        {
            try
            {
                JavaScriptRunResult result = Execute(policy, command, source, events, completion, cancellationToken);
                completion.TrySetResult(Finished(result, events));
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        return completion.Task;
    }

    /// <summary>Stamps a result with the run's id and the tier's details, and emits the run's last event (once).</summary>
    private static JavaScriptRunResult Finished(JavaScriptRunResult run, Events.RunEvents events)
        => run with { Result = events.Finished(run.Result with { Details = new JavaScriptDetails(run.Limit is { } l ? Tier.JavaScriptTier.LimitName(l) : null, run.ErrorName, run.Denials) }) };

    private static void Validate(SandboxCommand command)
    {
        if (command.StandardInput is { Length: > 0 })
        {
            throw new SandboxSetupException("stdin", "the JavaScript tier has no stdin", "pass data as arguments, environment variables or a granted file (readFile)");
        }

        if (!command.InheritedFiles.IsEmpty)
        {
            throw new SandboxSetupException("fd", "the JavaScript tier cannot hand descriptors to a script", "grant the file read-only (--ro or --file) and use readFile");
        }
    }
}
