using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Cli.Reporting;
using Cordon.Errors;
using Cordon.Execution;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon run</c>: one untrusted command, confined, with the exit-code contract of <see cref="ExitCodes"/>.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, IReadOnlySet<int> passedDescriptors, CancellationToken cancellationToken)
    {
        if (args.Count > 0 && args[0] is "--help" or "-h")
        {
            Console.Out.WriteLine(RunOptionsParser.Usage);
            return 0;
        }

        var (options, errors) = RunOptionsParser.Parse(args);
        if (options is null)
        {
            string message = string.Join("\n", errors.Select(e => e.ToString()));
            Cli.Error(message);
            if (args.TakeWhile(a => a != "--").Contains("--json")) JsonReport.WriteSetupError(Console.OpenStandardOutput(), message, "process");
            return ExitCodes.Usage;
        }

        if (options.DryRun) return DryRunReport.Write(options);

        using var session = new RunSession(options, cancellationToken);
        try
        {
            if (options.Tier == "process" || options.Contain) SweepLeftovers();
            SandboxCommand command = session.BuildCommand(passedDescriptors);
            TierOutcome run = options.Tier switch
            {
                "wasm" when options.Contain => await ContainedWasm.RunAsync(options, command, session.Token).ConfigureAwait(false),
                "wasm" => await RunWasmAsync(options, command, session.Token).ConfigureAwait(false),
                "js" when options.Contain => await JavaScriptTier.RunContainedAsync(options, command, session.Token).ConfigureAwait(false),
                "js" => await JavaScriptTier.RunAsync(options, command, session.Token).ConfigureAwait(false),
                // Synchronous on the main thread: a one-shot CLI would otherwise start the thread pool just to resume here.
                _ => new TierOutcome(ProcessBackend().Run(options.Policy, command, session.Token), "process"),
            };
            session.RestoreTerminal();
            SandboxResult result = run.Result;
            if (options.Contain && command.OnOutput is { } show)
            {
                // A contained runner's output arrives inside its report, after the run: pass it through now.
                show(OutputStream.StandardOutput, result.StandardOutput.Bytes.Span);
                show(OutputStream.StandardError, result.StandardError.Bytes.Span);
            }

            if (options.Json)
            {
                JsonReport.Write(Console.OpenStandardOutput(), result, run.Tier, run.FuelConsumed, run.TrapCode, run.JavaScript);
            }
            else if (!options.Quiet)
            {
                // Start the summary on its own line even when the guest's last output did not end one.
                Cli.Stderr((session.GuestLineOpen ? "\n" : "") + HumanSummary.Format(result)
                    + JavaScriptTier.FormatDenials(run.JavaScript)
                    + RunHints.Format(result, options, session.BrokenStream, RunParseContext.Host));
            }

            if (session.BrokenStream is not null) return ExitCodes.BrokenPipe;
            if (result.Outcome == SandboxOutcome.Canceled && session.ReceivedSignal is { } signal) return 128 + signal;
            return ExitCodes.For(result);
        }
        catch (CordonException e)
        {
            session.RestoreTerminal();
            Cli.Error(e.Message);
            if (options.Json) JsonReport.WriteSetupError(Console.OpenStandardOutput(), e.Message, options.Tier);
            return ExitCodes.CordonFailed;
        }
    }

    /// <summary>
    /// Removes run cgroups and temp dirs of supervisors that died without cleaning up. Quietly and never failing the run:
    /// what cannot be removed here (another user's leftovers) is for <c>cordon doctor --cleanup</c> to report.
    /// </summary>
    private static void SweepLeftovers()
    {
        try
        {
            _ = Backends.Process.Cgroups.LeftoverSweep.Run();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CordonException)
        {
        }
    }

    internal static ProcessSandbox ProcessBackend() => new(new ProcessBackendOptions
    {
        RunIdentities = RunIdentities(),
        // CORDON_TIMINGS=1 prints where the run's time went (setup, spawn, sandbox start, guest, teardown).
        TimingsObserver = Environment.GetEnvironmentVariable("CORDON_TIMINGS") == "1"
            ? t => Console.Error.WriteLine($"cordon: timings setup {t.Setup.TotalMilliseconds:0.0} ms · spawn {t.Spawn.TotalMilliseconds:0.0} ms · to guest exec {t.UntilGuestExec.TotalMilliseconds:0.0} ms · guest {t.GuestRun.TotalMilliseconds:0.0} ms · teardown {t.Teardown.TotalMilliseconds:0.0} ms")
            : null,
    });

    /// <summary>The host uids runs get as root: CORDON_RUN_UIDS=FIRST-LAST, or the documented default.</summary>
    /// <exception cref="SandboxSetupException">CORDON_RUN_UIDS is set but is not a valid range.</exception>
    internal static Cordon.Backends.Process.Identity.HostIdentityRange RunIdentities()
    {
        string? text = Environment.GetEnvironmentVariable("CORDON_RUN_UIDS");
        if (string.IsNullOrEmpty(text)) return Cordon.Backends.Process.Identity.HostIdentityRange.Default;
        try
        {
            return Cordon.Backends.Process.Identity.HostIdentityRange.Parse(text);
        }
        catch (FormatException e)
        {
            throw new SandboxSetupException("CORDON_RUN_UIDS", e.Message, $"unset it for the default range {Cordon.Backends.Process.Identity.HostIdentityRange.Default}");
        }
    }

    private static async Task<TierOutcome> RunWasmAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        // One run per process: setting up the pooling allocator (about 20 ms) would cost more than it saves.
        WasmBackendOptions wasm = WasmBackendOptions.Default.WithoutPoolingAllocator().WithModuleCache(ModuleCacheDirectory());
        if (options.Fuel is { } fuel) wasm = wasm.WithFuel(fuel);
        else if (options.FuelUnlimited) wasm = wasm.WithoutFuelLimit();
        if (options.Invoke is { } export) wasm = wasm.WithInvoke(export);
        using var backend = new WasmSandboxBackend(wasm);
        WasmRunResult run = await backend.RunWasmAsync(options.Policy, command, cancellationToken).ConfigureAwait(false);
        return new TierOutcome(run.Result, backend.Name, run.FuelConsumed, run.TrapCode);
    }

    /// <summary>Compiled modules are cached per user, keyed by content hash (the tier validates entries before use).</summary>
    private static string? ModuleCacheDirectory()
    {
        string? root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? "";
            if (home.Length == 0 || !Directory.Exists(home)) return null;
            root = Path.Combine(home, ".cache");
        }

        return Path.Combine(root, "cordon", "wasm");
    }
}
