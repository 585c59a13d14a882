using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cordon.Contracts;
using Cordon.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Backends.JavaScript.Tier;

/// <summary>The JavaScript tier as the surfaces see it: a script on Jint in this process, ECMAScript only, no CLR interop.</summary>
public sealed class JavaScriptTier : ISandboxTier
{
    /// <summary><c>--js-statements N|none</c>: the deterministic statement budget.</summary>
    public const string StatementsOption = "--js-statements";

    /// <inheritdoc />
    public string Name => "js";

    /// <inheritdoc />
    public string Summary => "PROGRAM is a script run in process by Jint (ECMAScript only, no host APIs but console and readFile)";

    /// <inheritdoc />
    public ImmutableSortedDictionary<PolicyFacet, string> Facets { get; } = ImmutableSortedDictionary.CreateRange(
    [
        KeyValuePair.Create(PolicyFacet.Filesystem, "enforced: readFile reaches only granted paths; nothing is ever written (writable grants are degraded to readable, with a warning); an image root is refused"),
        KeyValuePair.Create(PolicyFacet.Network, "no network API exists: every mode and allowlist opens nothing (degraded with a warning when the policy asks for network)"),
        KeyValuePair.Create(PolicyFacet.Process, "no processes, files written or syscalls exist: the settings hold trivially"),
        KeyValuePair.Create(PolicyFacet.Resources, "enforced: wall time, thread CPU time, statements, allocated memory, recursion, output caps"),
        KeyValuePair.Create(PolicyFacet.Environment, "enforced: exactly the policy's variables (process.env)"),
    ]);

    /// <inheritdoc />
    public ImmutableArray<TierOption> Options { get; } =
    [
        new(StatementsOption, "N|none", "deterministic statement budget (cpu_time_exceeded when spent)", ValidateStatements),
    ];

    /// <inheritdoc />
    public bool HasProcesses => false;

    /// <inheritdoc />
    public TierContainment? Containment { get; } = new(256 * ByteSize.MiB, 32, TimeSpan.FromSeconds(5));

    /// <inheritdoc />
    public PolicyAssessment Assess(SandboxPolicy policy) => Assessment(policy);

    /// <summary>What the tier degrades or refuses of <paramref name="policy"/>.</summary>
    internal static PolicyAssessment Assessment(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        List<FacetFinding> findings = [];
        if (policy.Root.Kind == FilesystemRootKind.Image)
            findings.Add(new(PolicyFacet.Filesystem, "filesystem.root", FacetSupport.Refused, "a script has no root filesystem to replace; give the image to the image tier"));
        if (policy.Network.OpensAny)
            findings.Add(new(PolicyFacet.Network, "network", FacetSupport.Degraded, $"the JavaScript tier has no network API in any mode; the policy's network '{policy.Network}' opens nothing here"));
        if (policy.HasWritableGrants)
            findings.Add(new(PolicyFacet.Filesystem, "mounts", FacetSupport.Degraded, "the JavaScript tier never writes files: read-write grants are readable through readFile only"));
        return new PolicyAssessment("js", [.. findings]);
    }

    /// <inheritdoc />
    public async Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken)
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
                    $"the probe script did not run as expected ({WireNames.Outcome(run.Result.Outcome)}: {run.Result.Detail})", "report this as a Cordon bug", Required: false);
        }
        catch (Exception e) when (e is CordonException or InvalidOperationException)
        {
            return new(Layer, LayerStatus.Missing, $"the JavaScript tier cannot run here ({e.Message})", "report this as a Cordon bug", Required: false);
        }
    }

    /// <inheritdoc />
    public async Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int? statements = settings[StatementsOption] is { } text and not "none" ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        using var backend = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithMaxConcurrentRuns(1).WithMaxStatements(statements));
        return (await backend.RunJavaScriptAsync(policy, command, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>The wire name of a limit, e.g. <c>wall_time</c>.</summary>
    public static string LimitName(JavaScriptLimit limit) => limit switch
    {
        JavaScriptLimit.WallTime => WireNames.Limit.WallTime,
        JavaScriptLimit.CpuTime => WireNames.Limit.CpuTime,
        JavaScriptLimit.Statements => WireNames.Limit.Statements,
        JavaScriptLimit.Memory => WireNames.Limit.Memory,
        JavaScriptLimit.Recursion => WireNames.Limit.Recursion,
        _ => WireNames.Limit.Output,
    };

    private static string? ValidateStatements(string value)
        => value == "none" || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
            ? null
            : $"'{value}' is not a positive whole number of statements (at most {int.MaxValue}, or none)";
}
