using Cordon.Diagnostics;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cordon.Backends.JavaScript;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Cli.Commands;

/// <summary>
/// <c>cordon run --tier js</c>: a script on Jint in this process, or, with <c>--contain</c>, this CLI's own JS runner as a
/// guest of the process tier (the way <see cref="ContainedWasm"/> runs the Wasm runner), so that an engine escape lands in
/// a namespaced, seccomp-filtered, Landlocked, cgroup-limited process.
/// </summary>
internal static class JavaScriptTier
{
    private const string ScriptDirectory = "/opt/script";

    /// <summary>Headroom for the contained runner itself (the .NET runtime and the engine) above the script's own limits.</summary>
    private static readonly long RunnerMemoryBytes = 256 * ByteSize.MiB;
    private const int RunnerTasks = 32;
    private static readonly TimeSpan RunnerStartup = TimeSpan.FromSeconds(5);

    public static async Task<TierOutcome> RunAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        JavaScriptBackendOptions js = JavaScriptBackendOptions.Default.WithMaxConcurrentRuns(1).WithMaxStatements(options.JsStatements);
        using var backend = new JavaScriptSandboxBackend(js);
        JavaScriptRunResult run = await backend.RunJavaScriptAsync(options.Policy, command, cancellationToken).ConfigureAwait(false);
        return new TierOutcome(run.Result, backend.Name) { JavaScript = Facts(run) };
    }

    /// <summary><c>cordon doctor</c>'s row for the tier: a probe script run under the default policy.</summary>
    internal static async Task<HostCheck> DoctorCheckAsync(CancellationToken cancellationToken)
    {
        const string Layer = "js tier";
        try
        {
            using var backend = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithMaxConcurrentRuns(1));
            JavaScriptRunResult run = await backend.RunSourceAsync(SandboxPolicy.Default, "console.log(typeof require, 6 * 7)",
                new SandboxCommand("doctor-probe.js"), cancellationToken).ConfigureAwait(false);
            bool ok = run.Result.IsSuccess && Encoding.UTF8.GetString(run.Result.StandardOutput.Bytes.Span) == "undefined 42\n";
            return ok
                ? new(Layer, LayerStatus.Available,
                    $"Jint {JavaScriptSandboxBackend.EngineVersion} in process: ECMAScript only, no CLR interop, a probe script ran (an in-process boundary: --contain puts it in the process tier)", null, Required: false)
                : new(Layer, LayerStatus.Degraded,
                    $"the probe script did not run as expected ({JsonReportName(run)})", "report this as a Cordon bug", Required: false);
        }
        catch (Exception e) when (e is CordonException or InvalidOperationException)
        {
            return new(Layer, LayerStatus.Missing, $"the JavaScript tier cannot run here ({e.Message})", "report this as a Cordon bug", Required: false);
        }
    }

    private static string JsonReportName(JavaScriptRunResult run) => $"{Reporting.JsonReport.OutcomeName(run.Result.Outcome)}: {run.Result.Detail}";

    /// <summary>The tier's own facts in their JSON form.</summary>
    internal static JavaScriptFacts Facts(JavaScriptRunResult run) => new(run.Limit is { } l ? LimitName(l) : null, run.ErrorName, run.Denials);

    /// <summary>snake_case of a limit, e.g. <c>wall_time</c>.</summary>
    internal static string LimitName(JavaScriptLimit limit) => limit switch
    {
        JavaScriptLimit.WallTime => "wall_time",
        JavaScriptLimit.CpuTime => "cpu_time",
        JavaScriptLimit.Statements => "statements",
        JavaScriptLimit.Memory => "memory",
        JavaScriptLimit.Recursion => "recursion",
        _ => "output",
    };

    /// <summary>One line per denial for the human summary (empty for other tiers).</summary>
    internal static string FormatDenials(JavaScriptFacts? facts)
    {
        if (facts is null) return "";
        var text = new StringBuilder();
        foreach (string denial in facts.Denials) text.Append("cordon: denied: ").Append(UntrustedText.ForTerminal(denial)).Append('\n');
        return text.ToString();
    }

    public static async Task<TierOutcome> RunContainedAsync(RunOptions options, SandboxCommand command, CancellationToken cancellationToken)
    {
        string script = Path.GetFullPath(command.Program);
        if (!File.Exists(script))
            throw new SandboxSetupException("script", $"'{command.Program}' does not exist", "give the host path of a .js file");

        SandboxPolicy user = options.Policy;
        string guestScript = $"{ScriptDirectory}/{Path.GetFileName(script)}";
        (string program, List<string> prefix) = ContainedWasm.RunnerCommand();
        List<string> inner = [.. prefix, "run", "--tier", "js", "--json", .. InnerFlags(options), "--", guestScript, .. command.Arguments];

        ResourceLimits limits = user.Limits;
        SandboxPolicy outer = new SandboxPolicyBuilder(user)
            .MountReadOnly(AppContext.BaseDirectory.TrimEnd('/'), ContainedWasm.RunnerDirectory)
            .CopyFile(guestScript, script)
            .SetEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .WithMemory(limits.MemoryBytes is { } m ? m + RunnerMemoryBytes : null)
            .WithMaxProcesses(limits.MaxProcesses is { } p ? p + RunnerTasks : null)
            .WithWallTime(limits.WallTime is { } w ? w + RunnerStartup : null)
            .WithCpuTime(limits.CpuTime is { } c ? c + RunnerStartup : null)
            // The runner's stdout is its JSON report, which holds the script's capped output escaped: give it room.
            .WithMaxOutput(limits.MaxOutputBytes is { } o ? (o * 4) + ByteSize.MiB : null)
            .Build();

        SandboxResult host = await RunCommand.ProcessBackend().RunAsync(outer, new SandboxCommand(program, inner), cancellationToken).ConfigureAwait(false);
        return Combine(host, user.Limits);
    }

    /// <summary>The script's own policy for the inner runner: the same limits, environment and read grants, at their guest paths.</summary>
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
        foreach (MountSpec mount in p.Mounts.Where(m => m.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind or MountKind.CopiedFile))
        {
            // Inside the sandbox every grant already sits at its guest path; the runner only ever reads it.
            yield return "--ro";
            yield return $"{mount.GuestPath}:{mount.GuestPath}";
        }

        if (p.WorkDirectoryHostPath is not null) { yield return "--ro"; yield return $"{SandboxPolicy.WorkDirectoryGuestPath}:{SandboxPolicy.WorkDirectoryGuestPath}"; }
        if (options.JsStatements is { } statements) { yield return "--js-statements"; yield return statements.ToString(CultureInfo.InvariantCulture); }
    }

    /// <summary>
    /// The process tier's host-side facts win: a limit it enforced, or a runner that did not report, is the outcome.
    /// Otherwise the runner's report (from inside the sandbox) gives the script's outcome, output and denials.
    /// </summary>
    internal static TierOutcome Combine(SandboxResult host, ResourceLimits scriptLimits)
    {
        const string Contained = "contained: the JS runner ran as a process-tier guest; the script's outcome, output and denials are the runner's report from inside the sandbox, resource usage is the host's measurement";
        if (host.Outcome is not (SandboxOutcome.Exited or SandboxOutcome.ExecFailed) || !ContainedWasm.TryParse(host.StandardOutput.Bytes.Span, out JsonElement report, out JsonDocument? document))
        {
            return new TierOutcome(ContainedWasm.WithWarning(host, "contained: the JS runner was stopped by the process tier or gave no report; the outcome is the process tier's"), "js")
            {
                JavaScript = new JavaScriptFacts(null, null, []),
            };
        }

        using (document)
        {
            SandboxOutcome outcome = ContainedWasm.ParseOutcome(report.GetProperty("outcome").GetString());
            if (outcome == SandboxOutcome.SetupError)
            {
                throw new SandboxSetupException("js runner", report.GetProperty("detail").GetString() ?? "the contained runner could not start the script");
            }

            ImmutableArray<string> warnings = [.. host.Warnings, .. report.GetProperty("warnings").EnumerateArray().Select(w => w.GetString() ?? ""), Contained];
            var result = new SandboxResult(outcome, ContainedWasm.Int(report, "exitCode"), ContainedWasm.Int(report, "signal"), host.WallTime, host.Usage,
                ContainedWasm.Output(report, "stdout"), ContainedWasm.Output(report, "stderr"), host.Violations, warnings, scriptLimits,
                Text(report, "detail"));
            ImmutableArray<string> denials = report.TryGetProperty("denials", out JsonElement d) && d.ValueKind == JsonValueKind.Array
                ? [.. d.EnumerateArray().Select(e => e.GetString() ?? "")]
                : [];
            return new TierOutcome(result, "js") { JavaScript = new JavaScriptFacts(Text(report, "jsLimit"), Text(report, "jsError"), denials) };
        }
    }

    private static string? Text(JsonElement report, string name)
        => report.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
