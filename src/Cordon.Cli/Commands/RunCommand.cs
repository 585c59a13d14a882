using Cordon.Backends.Process;
using Cordon.Cli.Reporting;
using Cordon.Contracts;
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
            if (args.TakeWhile(a => a != "--").Contains("--json")) WriteDocument(Console.OpenStandardOutput(), RunDocuments.SetupError(TierNamed(args), message));
            return ExitCodes.Usage;
        }

        if (!options.Quiet && !options.Json)
        {
            foreach (string notice in options.Notices) Cli.Note(notice);
        }

        if (options.DryRun) return DryRunReport.Write(options);

        Stream? statusStream = null;
        if (options.StatusFd is { } statusFd)
        {
            if (!passedDescriptors.Contains(statusFd))
            {
                Cli.Error($"--status-fd: descriptor {statusFd} was not passed to cordon; open it in the caller (e.g. {statusFd}>report.json)");
                return ExitCodes.Usage;
            }

            statusStream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(statusFd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        }

        using Stream? status = statusStream;
        using var session = new RunSession(options, cancellationToken);
        try
        {
            if (options.Tier.HasProcesses || options.Contain) SweepLeftovers();
            SandboxCommand command = session.BuildCommand(passedDescriptors);
            SandboxResult result = options.Contain
                ? await ContainedRun.RunAsync(options, command, session.Token).ConfigureAwait(false)
                // Blocking on the main thread: a one-shot CLI would otherwise start the thread pool just to resume here.
                : options.Tier.Run(options.Policy, command, options.TierSettings, session.Token);
            session.RestoreTerminal();

            RunDocument? document = options.Json || status is not null ? RunDocuments.From(result) : null;
            if (status is not null) WriteDocument(status, document!);
            if (options.Json)
            {
                WriteDocument(Console.OpenStandardOutput(), document!);
            }
            else if (!options.Quiet)
            {
                // Start the summary on its own line even when the guest's last output did not end one.
                Cli.Stderr((session.GuestLineOpen ? "\n" : "") + HumanSummary.Format(result)
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
            RunDocument? document = options.Json || status is not null ? RunDocuments.SetupError(options.Tier.Name, e.Message, options.Policy.Limits) : null;
            if (status is not null) WriteDocument(status, document!);
            if (options.Json) WriteDocument(Console.OpenStandardOutput(), document!);
            return ExitCodes.CordonFailed;
        }
    }

    /// <summary>Writes a document, ignoring a reader that went away (the exit code already says what happened).</summary>
    private static void WriteDocument(Stream stream, RunDocument document)
    {
        try
        {
            RunDocuments.Write(stream, document);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The tier a command line that failed to parse asked for, for its setup-error document.</summary>
    private static string TierNamed(IReadOnlyList<string> args)
    {
        List<string> options = [.. args.TakeWhile(a => a != "--")];
        int i = options.IndexOf("--tier");
        string? name = i >= 0 && i + 1 < options.Count ? options[i + 1] : options.FirstOrDefault(a => a.StartsWith("--tier=", StringComparison.Ordinal))?["--tier=".Length..];
        return name is not null && CliTiers.Registry.Find(name) is not null ? name : CliTiers.Registry.Default.Name;
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

    /// <summary>A process sandbox with this CLI's options (doctor, selftest, dry runs).</summary>
    internal static ProcessSandbox ProcessBackend() => new(CliTiers.ProcessOptions());

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
}
