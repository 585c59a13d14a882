using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Cli.Reporting;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon run</c>: one untrusted command, confined, with the exit-code contract of <see cref="ExitCodes"/>.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count > 0 && args[0] is "--help" or "-h")
        {
            Console.Out.WriteLine(RunOptionsParser.Usage);
            return 0;
        }

        // --policy FILE / --profile NAME load a basis policy first; the other flags then override it.
        var (basis, basisErrors) = PolicyCommand.LoadRunBasis(args);
        var (options, errors) = basisErrors.IsEmpty ? RunOptionsParser.Parse(args, basis) : (null, basisErrors);
        bool json = args.TakeWhile(a => a != "--").Contains("--json");
        if (options is null)
        {
            string message = string.Join("\n", errors.Select(e => e.ToString()));
            Cli.Error(message);
            if (json) JsonReport.WriteSetupError(Console.OpenStandardOutput(), message, "process");
            return ExitCodes.CordonFailed;
        }

        try
        {
            SandboxCommand command = BuildCommand(options);
            TierOutcome run = options.Tier switch
            {
                "wasm" when options.Contain => await ContainedWasm.RunAsync(options, command, cancellationToken).ConfigureAwait(false),
                "wasm" => await RunWasmAsync(options, command, cancellationToken).ConfigureAwait(false),
                "js" when options.Contain => await JavaScriptTier.RunContainedAsync(options, command, cancellationToken).ConfigureAwait(false),
                "js" => await JavaScriptTier.RunAsync(options, command, cancellationToken).ConfigureAwait(false),
                // Synchronous on the main thread: a one-shot CLI would otherwise start the thread pool just to resume here.
                _ => new TierOutcome(ProcessBackend().Run(options.Policy, command, cancellationToken), "process"),
            };
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
                Console.Error.Write((s_guestLineOpen ? "\n" : "") + HumanSummary.Format(result) + JavaScriptTier.FormatDenials(run.JavaScript));
            }

            return ExitCodes.For(result);
        }
        catch (CordonException e)
        {
            Cli.Error(e.Message);
            if (options.Json) JsonReport.WriteSetupError(Console.OpenStandardOutput(), e.Message, options.Tier);
            return ExitCodes.CordonFailed;
        }
    }

    /// <summary>Whether the guest's passed-through output ended mid-line (the CLI runs one sandbox per process).</summary>
    private static bool s_guestLineOpen;

    internal static ProcessSandbox ProcessBackend() => new(new ProcessBackendOptions
    {
        // CORDON_TIMINGS=1 prints where the run's time went (setup, spawn, sandbox start, guest, teardown).
        TimingsObserver = Environment.GetEnvironmentVariable("CORDON_TIMINGS") == "1"
            ? t => Console.Error.WriteLine($"cordon: timings setup {t.Setup.TotalMilliseconds:0.0} ms · spawn {t.Spawn.TotalMilliseconds:0.0} ms · to guest exec {t.UntilGuestExec.TotalMilliseconds:0.0} ms · guest {t.GuestRun.TotalMilliseconds:0.0} ms · teardown {t.Teardown.TotalMilliseconds:0.0} ms")
            : null,
    });

    private static async Task<TierOutcome> RunWasmAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        WasmBackendOptions wasm = WasmBackendOptions.Default.WithModuleCache(ModuleCacheDirectory());
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

    private static SandboxCommand BuildCommand(RunOptions options)
    {
        ReadOnlyMemory<byte>? stdin = options.StandardInputPath switch
        {
            null => null,
            "-" => ReadAll(Console.OpenStandardInput()),
            string path => File.Exists(path)
                ? File.ReadAllBytes(path)
                : throw new SandboxSetupException("stdin", $"'{path}' does not exist", "give an existing file or - for cordon's own stdin"),
        };

        OutputObserver? passThrough = null;
        if (!options.Json)
        {
            Stream stdout = Console.OpenStandardOutput();
            Stream stderr = Console.OpenStandardError();
            bool neutraliseOut = !options.RawOutput && !Console.IsOutputRedirected;
            bool neutraliseErr = !options.RawOutput && !Console.IsErrorRedirected;
            passThrough = (stream, chunk) =>
            {
                bool isOut = stream == OutputStream.StandardOutput;
                Stream target = isOut ? stdout : stderr;
                if (isOut ? neutraliseOut : neutraliseErr) target.Write(System.Text.Encoding.UTF8.GetBytes(UntrustedText.ForTerminal(chunk)));
                else target.Write(chunk);
                target.Flush();
                if (!chunk.IsEmpty) s_guestLineOpen = chunk[^1] != (byte)'\n';
            };
        }

        return new SandboxCommand(options.Program, options.Arguments)
        {
            StandardInput = stdin,
            OnOutput = passThrough,
            InheritedFiles = [.. options.Descriptors.Select(d => new InheritedFile(OpenInherited(d.HostFd), d.GuestFd))],
        };
    }

    private static SafeFileHandle OpenInherited(int hostFd)
    {
        var handle = new SafeFileHandle(hostFd, ownsHandle: false);
        try
        {
            // Fails on a descriptor that is not open, with a message naming it.
            _ = File.GetUnixFileMode(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SandboxSetupException("fd", $"descriptor {hostFd} is not open in cordon's process", "open it in the shell, e.g. cordon run --fd 3 -- CMD 3<file");
        }

        return handle;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
