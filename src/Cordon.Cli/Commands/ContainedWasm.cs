using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Cli.Commands;

/// <summary>
/// <c>--tier wasm --contain</c>: Wasmtime's limits are enforced inside the process that runs it, so for hostile
/// multi-tenant modules Cordon runs the Wasm runner (this very CLI, <c>cordon run --tier wasm</c>) as a guest of the
/// process tier. A Wasmtime escape then lands in a namespaced, seccomp-filtered, Landlocked, cgroup-limited process.
/// </summary>
internal static class ContainedWasm
{
    internal const string RunnerDirectory = "/opt/cordon";
    private const string ModuleDirectory = "/opt/module";

    /// <summary>Headroom for the runner itself (the .NET runtime, Wasmtime, its compiler threads) above the module's own limits.</summary>
    private static readonly long RunnerMemoryBytes = 512 * ByteSize.MiB;
    private const int RunnerTasks = 64;
    private static readonly TimeSpan RunnerStartup = TimeSpan.FromSeconds(5);

    public static async Task<TierOutcome> RunAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        string module = Path.GetFullPath(command.Program);
        if (!File.Exists(module))
            throw new SandboxSetupException("wasm module", $"'{command.Program}' does not exist", "give the host path of a .wasm or .wat file");

        SandboxPolicy user = options.Policy;
        string guestModule = $"{ModuleDirectory}/{Path.GetFileName(module)}";
        (string program, List<string> prefix) = RunnerCommand();
        List<string> inner = [.. prefix, "run", "--tier", "wasm", "--json", .. InnerFlags(options), "--", guestModule, .. command.Arguments];

        ResourceLimits limits = user.Limits;
        SandboxPolicy outer = new SandboxPolicyBuilder(user)
            .MountReadOnly(AppContext.BaseDirectory.TrimEnd('/'), RunnerDirectory)
            .CopyFile(guestModule, module)
            .SetEnvironment("XDG_CACHE_HOME", "/tmp/cordon-cache")
            .SetEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .WithMemory(limits.MemoryBytes is { } m ? m + RunnerMemoryBytes : null)
            .WithMaxProcesses(limits.MaxProcesses is { } p ? p + RunnerTasks : null)
            .WithWallTime(limits.WallTime is { } w ? w + RunnerStartup : null)
            .WithCpuTime(limits.CpuTime is { } c ? c + RunnerStartup : null)
            // The runner's stdout is its JSON report, which holds the module's capped output escaped: give it room.
            .WithMaxOutput(limits.MaxOutputBytes is { } o ? (o * 4) + ByteSize.MiB : null)
            .Build();

        SandboxResult host = await RunCommand.ProcessBackend().RunAsync(outer, new SandboxCommand(program, inner)
        {
            StandardInput = command.StandardInput,
            StandardInputSource = command.StandardInputSource,
            Signals = command.Signals,
        }, cancellationToken).ConfigureAwait(false);
        return Combine(host, user.Limits);
    }

    /// <summary>Syscalls the contained runner itself makes at start-up, refused harmlessly: not the module's doing.</summary>
    private static readonly HashSet<string> RunnerOwnCalls = new(["get_mempolicy"], StringComparer.Ordinal);

    /// <summary>This CLI inside the sandbox: the NativeAOT binary itself, or the dotnet host with cordon.dll.</summary>
    internal static (string Program, List<string> Prefix) RunnerCommand()
    {
        string self = Environment.ProcessPath ?? throw new SandboxSetupException("wasm contain", "cannot tell where the cordon executable is");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? ("/usr/bin/dotnet", [$"{RunnerDirectory}/cordon.dll"])
            : ($"{RunnerDirectory}/{Path.GetFileName(self)}", []);
    }

    /// <summary>The module's own policy for the inner runner: the same limits, environment and doors, at their guest paths.</summary>
    private static IEnumerable<string> InnerFlags(RunOptions options)
    {
        SandboxPolicy p = options.Policy;
        ResourceLimits l = p.Limits;
        yield return "--time"; yield return l.WallTime is { } w ? DurationText.Format(w) : "none";
        yield return "--cpu"; yield return l.CpuTime is { } c ? DurationText.Format(c) : "none";
        yield return "--memory"; yield return l.MemoryBytes is { } m ? ByteSize.Format(m) : "none";
        yield return "--output"; yield return l.MaxOutputBytes is { } o ? ByteSize.Format(o) : "none";
        yield return "--output-action"; yield return l.OutputAction == OutputAction.Kill ? "kill" : "truncate";
        foreach ((string name, string value) in p.Environment) { yield return "--env"; yield return $"{name}={value}"; }
        foreach (MountSpec mount in p.Mounts.Where(m => m.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind))
        {
            yield return mount.Kind == MountKind.ReadOnlyBind ? "--ro" : "--rw";
            yield return $"{mount.GuestPath}:{mount.GuestPath}";
        }

        if (p.WorkDirectoryHostPath is not null) { yield return "--workdir"; yield return SandboxPolicy.WorkDirectoryGuestPath; }
        if (options.StandardInputPath is not null) { yield return "--stdin"; yield return "-"; }
        if (options.Invoke is { } export) { yield return "--invoke"; yield return export; }
        if (options.Fuel is { } fuel) { yield return "--fuel"; yield return fuel.ToString(CultureInfo.InvariantCulture); }
        else if (options.FuelUnlimited) { yield return "--fuel"; yield return "none"; }
    }

    /// <summary>
    /// The process tier's host-side facts win: a limit it enforced, or a runner that did not report, is the outcome.
    /// Otherwise the runner's report (from inside the sandbox) gives the module's outcome and output, and usage stays
    /// what the host measured.
    /// </summary>
    internal static TierOutcome Combine(SandboxResult host, ResourceLimits moduleLimits)
    {
        // Refused calls are reported for what the module can cause: the runner's own start-up probes are not (the
        // .NET runtime asks get_mempolicy for its NUMA layout, gets EPERM and carries on).
        const string Contained = "contained: the Wasm runner ran as a process-tier guest; the module's outcome and output are the runner's report from inside the sandbox, resource usage is the host's measurement";
        if (host.Outcome is not (SandboxOutcome.Exited or SandboxOutcome.ExecFailed) || !TryParse(host.StandardOutput.Bytes.Span, out JsonElement report, out JsonDocument? document))
        {
            return new TierOutcome(WithWarning(host, "contained: the Wasm runner was stopped by the process tier or gave no report; the outcome is the process tier's"), "wasm");
        }

        using (document)
        {
            SandboxOutcome outcome = ParseOutcome(report.GetProperty("outcome").GetString());
            if (outcome == SandboxOutcome.SetupError)
            {
                throw new SandboxSetupException("wasm runner", report.GetProperty("detail").GetString() ?? "the contained runner could not start the module");
            }

            ImmutableArray<string> warnings = [.. host.Warnings, .. report.GetProperty("warnings").EnumerateArray().Select(w => w.GetString() ?? ""), Contained];
            var result = new SandboxResult(outcome, Int(report, "exitCode"), Int(report, "signal"), host.WallTime, host.Usage,
                Output(report, "stdout"), Output(report, "stderr"), [.. host.Violations.Where(v => !RunnerOwnCalls.Contains(v.Syscall))], warnings, moduleLimits,
                report.TryGetProperty("detail", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
            long? fuel = report.TryGetProperty("fuelConsumed", out JsonElement f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : null;
            string? trap = report.TryGetProperty("trapCode", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return new TierOutcome(result, "wasm", fuel, trap);
        }
    }

    internal static bool TryParse(ReadOnlySpan<byte> json, out JsonElement root, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(json.ToArray());
            root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("outcome", out _) && root.TryGetProperty("warnings", out JsonElement w) && w.ValueKind == JsonValueKind.Array)
                return true;
            document.Dispose();
        }
        catch (JsonException)
        {
        }

        document = null;
        root = default;
        return false;
    }

    internal static SandboxOutcome ParseOutcome(string? snake)
    {
        foreach (SandboxOutcome o in Enum.GetValues<SandboxOutcome>())
        {
            if (Reporting.JsonReport.OutcomeName(o) == snake) return o;
        }

        // An unknown word from inside the sandbox is not trusted to mean success.
        return SandboxOutcome.Signaled;
    }

    internal static int? Int(JsonElement report, string name)
        => report.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    internal static CapturedOutput Output(JsonElement report, string name)
    {
        byte[] bytes = report.TryGetProperty(name + "Base64", out JsonElement b64) && b64.ValueKind == JsonValueKind.String
            ? Convert.FromBase64String(b64.GetString()!)
            : Encoding.UTF8.GetBytes(report.TryGetProperty(name, out JsonElement s) ? s.GetString() ?? "" : "");
        long total = report.TryGetProperty(name + "Bytes", out JsonElement n) && n.TryGetInt64(out long t) ? t : bytes.Length;
        bool truncated = report.TryGetProperty(name + "Truncated", out JsonElement tr) && tr.ValueKind == JsonValueKind.True;
        return new CapturedOutput(bytes, Math.Max(total, bytes.Length), truncated);
    }

    internal static SandboxResult WithWarning(SandboxResult r, string warning) => new(r.Outcome, r.ExitCode, r.Signal, r.WallTime, r.Usage,
        r.StandardOutput, r.StandardError, r.Violations, [.. r.Warnings, warning], r.Limits, r.Detail);
}
