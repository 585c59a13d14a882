using System.Collections.Immutable;
using System.IO.Pipes;
using Cordon.Contracts;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.PolicyFiles;
using Cordon.Tiers;
using Cordon.Units;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Cli.Commands;

/// <summary>
/// <c>--contain</c>: a tier whose runner lives in this process (Wasmtime, Jint) enforces its limits inside that process,
/// so for hostile code Cordon runs the runner itself — this very CLI, <c>cordon run --tier X</c> — as a guest of the
/// process tier. An engine escape then lands in a namespaced, seccomp-filtered, Landlocked, cgroup-limited process.
/// </summary>
/// <remarks>
/// The runner gets the caller's policy itself (as a policy file, every limit included), streams the guest's output on
/// its own stdout and stderr as it comes, and reports its verdict as a result document on a separate descriptor
/// (<c>--status-fd</c>): guest bytes and the verdict never share a channel.
/// </remarks>
internal static class ContainedRun
{
    internal const string RunnerDirectory = "/opt/cordon";
    private const string InputDirectory = "/opt/cordon-input";
    private const string PolicyGuestPath = InputDirectory + "/policy.toml";

    /// <summary>The status descriptor inside the sandbox.</summary>
    private const int StatusFd = 3;

    /// <summary>Room for the runner's own messages on stderr (a setup error) above the guest's output cap.</summary>
    private static readonly long RunnerOutputSlack = 64 * ByteSize.KiB;

    /// <summary>Largest status document read back.</summary>
    private static readonly long MaxStatusBytes = 64 * ByteSize.MiB;

    /// <summary>Syscalls the contained runner itself makes at start-up, refused harmlessly: not the guest's doing.</summary>
    private static readonly HashSet<string> RunnerOwnCalls = new(["get_mempolicy"], StringComparer.Ordinal);

    public static async Task<SandboxResult> RunAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        ISandboxTier tier = options.Tier;
        TierContainment room = tier.Containment ?? throw new SandboxSetupException("contain", $"the {tier.Name} tier has no runner to contain");
        string program = Path.GetFullPath(command.Program);
        if (!File.Exists(program))
            throw new SandboxSetupException($"{tier.Name} program", $"'{command.Program}' does not exist", "give the host path of the module or script");

        SandboxPolicy user = options.Policy;
        string guestProgram = $"{InputDirectory}/{Path.GetFileName(program)}";
        using var policyFile = new PrivateTempFile(PolicyFile.FormatAsSeenInside(user));
        (string runner, List<string> prefix) = RunnerCommand();
        List<string> inner = [.. prefix, "run", "--tier", tier.Name, "--policy", PolicyGuestPath, "--status-fd", "3", "--quiet", "--raw-output"];
        foreach ((string option, string value) in options.TierSettings.Values)
        {
            inner.Add(option);
            if (options.Tier.Options.First(o => o.Long == option).TakesValue) inner.Add(value);
        }

        if (command.StandardInputSource is not null || command.StandardInput is not null) inner.AddRange(["--stdin", "-"]);
        inner.AddRange(["--", guestProgram, .. command.Arguments]);

        ResourceLimits limits = user.Limits;
        SandboxPolicy outer = new SandboxPolicyBuilder(user)
            .MountReadOnly(AppContext.BaseDirectory.TrimEnd('/'), RunnerDirectory)
            .CopyFile(guestProgram, program)
            .CopyFile(PolicyGuestPath, policyFile.Path)
            // Nothing the runner compiles outlives the run's private /tmp, and a cache file would count against the
            // guest's file-size limit: no module cache inside.
            .SetEnvironment(CliTiers.ModuleCacheVariable, "off")
            .SetEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            // The guest's file-size limit applies to the runner, and the JIT's W^X double mapping grows a memfd past a
            // small one (the runtime then fails to start). The boundary here is the process tier, not the runner's
            // own code pages; a NativeAOT runner has no JIT and ignores it.
            .SetEnvironment("DOTNET_EnableWriteXorExecute", "0")
            .WithMemory(limits.MemoryBytes is { } m ? m + room.MemoryBytes : null)
            .WithMaxProcesses(limits.MaxProcesses is { } p ? p + room.Tasks : null)
            .WithWallTime(limits.WallTime is { } w ? w + room.Startup : null)
            .WithCpuTime(limits.CpuTime is { } c ? c + room.Startup : null)
            .WithOpenFiles(limits.OpenFiles is { } f ? f + room.OpenFiles : null)
            .WithMaxOutput(limits.MaxOutputBytes is { } o ? o + RunnerOutputSlack : null)
            .Build();

        // The verdict comes back on a pipe read while the run goes on (a pipe is not subject to the guest's file-size limit).
        using var status = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        var statusWrite = new SafeFileHandle(status.ClientSafePipeHandle.DangerousGetHandle(), ownsHandle: false);
        Task<byte[]?> report = Task.Run(() => ReadCapped(status), CancellationToken.None);
        SandboxResult host;
        try
        {
            host = await ProcessTier.RunAsync(outer, new SandboxCommand(runner, inner)
            {
                StandardInput = command.StandardInput,
                StandardInputSource = command.StandardInputSource,
                MergeStandardError = command.MergeStandardError,
                Signals = command.Signals,
                OnOutput = command.OnOutput,
                OnEvent = command.OnEvent,
                InheritedFiles = [new InheritedFile(statusWrite, StatusFd)],
            }, TierSettings.None, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            status.DisposeLocalCopyOfClientHandle();
        }

        return Combine(tier.Name, host, await report.ConfigureAwait(false), user.Limits);
    }

    private static ISandboxTier ProcessTier => CliTiers.Registry.Find("process") ?? throw new SandboxSetupException("contain", "no process tier is registered to contain the runner");

    /// <summary>This CLI inside the sandbox: the NativeAOT binary itself, or the dotnet host with cordon.dll.</summary>
    internal static (string Program, List<string> Prefix) RunnerCommand()
    {
        string self = Environment.ProcessPath ?? throw new SandboxSetupException("contain", "cannot tell where the cordon executable is");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? ("/usr/bin/dotnet", [$"{RunnerDirectory}/cordon.dll"])
            : ($"{RunnerDirectory}/{Path.GetFileName(self)}", []);
    }

    /// <summary>
    /// The process tier's host-side facts win: a limit it enforced, or a runner that did not report, is the outcome.
    /// Otherwise the runner's document (from inside the sandbox) gives the guest's outcome and details; output is what
    /// the host captured of the runner's streams, and usage is what the host measured.
    /// </summary>
    internal static SandboxResult Combine(string tier, SandboxResult host, byte[]? report, ResourceLimits guestLimits)
    {
        string contained = $"contained: the {tier} runner ran as a process-tier guest; the outcome is the runner's report from inside the sandbox, output and resource usage are the host's";
        ImmutableArray<SyscallViolation> violations = [.. host.Violations.Where(v => !RunnerOwnCalls.Contains(v.Syscall))];
        string problem = "";
        RunDocument? document = null;
        bool reported = host.Outcome is SandboxOutcome.Exited or SandboxOutcome.ExecFailed && report is not null
            && RunDocuments.TryRead(report, out document, out problem) && document!.Tier == tier;
        if (!reported)
        {
            string why = host.Outcome is not (SandboxOutcome.Exited or SandboxOutcome.ExecFailed) ? "was stopped by the process tier"
                : report is null ? "wrote an oversized report"
                : document is null ? $"gave no valid report ({Output.UntrustedText.Fragment(problem)})"
                : "reported for another tier";
            return host with
            {
                Violations = violations,
                Warnings = [.. host.Warnings, $"contained: the {tier} runner {why}; the outcome is the process tier's"],
                Limits = guestLimits,
            };
        }

        if (document!.Outcome == WireNames.Outcome(SandboxOutcome.SetupError))
            throw new SandboxSetupException($"{tier} runner", document.Detail ?? "the contained runner could not start the guest");

        SandboxResult inner = RunDocuments.ToResult(document);
        return inner with
        {
            WallTime = host.WallTime,
            Usage = host.Usage,
            StandardOutput = Merge(host.StandardOutput, inner.StandardOutput),
            StandardError = Merge(host.StandardError, inner.StandardError),
            Violations = violations,
            Warnings = [.. host.Warnings, .. inner.Warnings, contained],
            Limits = guestLimits,
            RunId = host.RunId,
        };
    }

    /// <summary>The bytes the caller saw (the host's capture), with the runner's count of what the guest wrote and dropped.</summary>
    private static CapturedOutput Merge(CapturedOutput host, CapturedOutput inner)
        => new(host.Bytes, Math.Max(host.TotalBytes, inner.TotalBytes), host.Truncated || inner.Truncated);

    private static byte[]? ReadCapped(Stream stream)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > MaxStatusBytes) return null;
            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
