using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

/// <summary>
/// Every probe of the suite, in table order: the positive controls first, then one file per attack class. Probes of the
/// original hostile-behaviour catalogue keep their ids; probes derived from each layer's own failure modes are marked "derived".
/// </summary>
internal static partial class ProbeCatalogue
{
    // errno and token names as the probes print them
    private const string Ok = "OK";
    private const string Eperm = "EPERM";
    private const string Eacces = "EACCES";
    private const string Enoent = "ENOENT";
    private const string Erofs = "EROFS";
    private const string Einval = "EINVAL";
    private const string Enosys = "ENOSYS";
    private const string Esrch = "ESRCH";
    private const string Exdev = "EXDEV";
    private const string Enxio = "ENXIO";
    private const string Etxtbsy = "ETXTBSY";
    private const string Econnrefused = "ECONNREFUSED";
    private const string Enetunreach = "ENETUNREACH";

    private static readonly ImmutableArray<ProbeDefinition> Probes =
    [
        .. Controls(), .. Filesystem(), .. Network(), .. NetworkAllowlist(), .. Process(), .. Syscall(), .. Resources(), .. BoundaryOutput(), .. InfoLeak(),
    ];

    /// <summary>Every probe, controls first.</summary>
    public static ImmutableArray<ProbeDefinition> All => Probes;

    private static IEnumerable<ProbeDefinition> Controls() =>
    [
        new()
        {
            Id = "control-c", Category = ProbeCategory.Control, Program = C("control"),
            Description = "positive control: a trivial compiled program prints and exits 0",
            Expected = new() { Text = "exit 0", Steps = [Step("hello", Ok)] },
        },
        new()
        {
            Id = "control-python", Category = ProbeCategory.Control, Program = Python("control"),
            Description = "positive control: python3 starts, imports hashlib/json/threading, starts a thread, exits 0",
            Expected = new() { Text = "exit 0", Steps = [Step("hello", Ok)] },
        },
        new()
        {
            Id = "control-shell", Category = ProbeCategory.Control, Program = Shell("control"),
            Description = "positive control: sh runs a coreutils pipeline and exits 0",
            Expected = new() { Text = "exit 0", Steps = [Step("hello", Ok)] },
        },
    ];

    private static ProbeProgram C(string name, params string[] arguments) => new(ProbeLanguage.C, name, [.. arguments]);

    private static ProbeProgram Python(string name) => new(ProbeLanguage.Python, name, []);

    private static ProbeProgram Shell(string name) => new(ProbeLanguage.Shell, name, []);

    /// <summary>A required step: contained with one of <paramref name="contained"/>; <c>OK</c> (unless listed) means escaped.</summary>
    private static StepRule Step(string pattern, params string[] contained)
        => new(pattern, [.. contained], contained.Contains(Ok) ? [] : [Ok], Required: true);

    /// <summary>A required step with its own escape tokens.</summary>
    private static StepRule Step(string pattern, string[] contained, string[] escaped)
        => new(pattern, [.. contained], [.. escaped], Required: true);

    /// <summary>A step that may be missing (e.g. only when the host has IPv6, or when a kill ends the probe first).</summary>
    private static StepRule Maybe(string pattern, params string[] contained)
        => new(pattern, [.. contained], contained.Contains(Ok) ? [] : [Ok], Required: false);

    /// <summary>A step that may be missing, with its own escape tokens.</summary>
    private static StepRule Maybe(string pattern, string[] contained, string[] escaped)
        => new(pattern, [.. contained], [.. escaped], Required: false);

    /// <summary>A step whose token is informational: any value is fine.</summary>
    private static StepRule Info(string pattern) => new(pattern, [], [], Required: false) { AnyToken = true };

    /// <summary>The number in a step's detail ("after 31 children", "61 descriptors"), if any.</summary>
    private static long? Number(ProbeStep? step)
    {
        if (step is null) return null;
        Match m = Regex.Match(step.Detail, @"\d+");
        return m.Success ? long.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }
}
