using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Cordon.Backends.Process.Diagnostics;
using Cordon.Errors;
using Cordon.Output;
using Cordon.Policy;
using Cordon.PolicyFiles.Audit;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon audit POLICY</c>: the least-privilege checklist, with an exposure score and a CI threshold.</summary>
internal static class AuditCommand
{
    public const int AboveThreshold = 1;

    public const string Usage = """
        usage: cordon audit POLICY [--json] [--threshold X] [--no-host] [--tier process|js [--contain]]
               cordon audit --image PATH[:TAG] [--json]   (what an image brings; see cordon audit --image x --help)

        POLICY is a policy file or a built-in profile name. Prints each dimension's findings (what is open, why it
        matters, how to close it) and an overall exposure from 0.0 (nothing open) to 10.0 (no sandbox).
          --json         one JSON document with the overall figure in a top-level "score" field
          --threshold X  exit 1 when the score is above X (for CI)
          --no-host      do not check which layers this host enforces (audit the policy alone)
          --tier js      audit the policy as the in-process JavaScript tier applies it (--contain: inside the process tier)
        Exit codes: 0 audited (and within the threshold), 1 score above --threshold, 125 usage error or invalid policy.
        """;

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Contains("--image")) return ImageAuditCommand.Execute(args);
        bool json = false, checkHost = true, contain = false;
        string tier = "process";
        double? threshold = null;
        string? reference = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.Out.WriteLine(Usage);
                    return 0;
                case "--json": json = true; break;
                case "--no-host": checkHost = false; break;
                case "--contain": contain = true; break;
                case "--tier":
                    if (i + 1 < args.Count && args[i + 1] is "process" or "js")
                    {
                        tier = args[++i];
                        break;
                    }

                    Cli.Error("--tier needs process or js, e.g. --tier js");
                    return ExitCodes.Usage;
                case "--threshold":
                    if (i + 1 < args.Count && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && t is >= 0 and <= 10)
                    {
                        threshold = t;
                        i++;
                        break;
                    }

                    Cli.Error("--threshold needs a number from 0 to 10, e.g. --threshold 5");
                    return ExitCodes.Usage;
                default:
                    if (args[i].StartsWith('-') || reference is not null)
                    {
                        Cli.Error($"unexpected argument '{args[i]}'\n{Usage}");
                        return ExitCodes.Usage;
                    }

                    reference = args[i];
                    break;
            }
        }

        if (reference is null)
        {
            Cli.Error("which policy? " + Usage);
            return ExitCodes.Usage;
        }

        if (!PolicyCommand.TryResolve(reference, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors))
        {
            PolicyCommand.ReportErrors(errors);
            return ExitCodes.Usage;
        }

        HostEnforcement? host = null;
        if (checkHost)
        {
            HostReport facts = await HostDiagnostics.RunAsync(endToEnd: false, cancellationToken).ConfigureAwait(false);
            host = new HostEnforcement
            {
                RunsAsRoot = facts.Uid == 0,
                Namespaces = facts.NamespacesUsable,
                Seccomp = facts.SeccompUsable,
                Cgroups = facts.CgroupsUsable,
                LandlockAbi = facts.LandlockAbi,
            };
        }

        if (contain && tier != "js")
        {
            Cli.Error("--contain belongs to --tier js (the process tier is the container)");
            return ExitCodes.Usage;
        }

        AuditReport report = tier == "js" ? PolicyAudit.AuditJavaScriptTier(policy, contain, host) : PolicyAudit.Audit(policy, host);
        bool exceeded = threshold is { } limit && report.Score > limit;
        if (json) WriteJson(report, reference, threshold, exceeded);
        else WriteText(report, reference, threshold, exceeded);
        return exceeded ? AboveThreshold : 0;
    }

    private static void WriteText(AuditReport report, string reference, double? threshold, bool exceeded)
    {
        TextWriter o = Console.Out;
        o.WriteLine($"cordon audit: {Safe(reference)}");
        o.WriteLine();
        o.WriteLine($"{"DIMENSION",-18} {"EXPOSURE",8}  MEASURES");
        foreach (AuditDimension d in report.Dimensions)
        {
            o.WriteLine($"{d.Name,-18} {Number(d.Exposure),8}  {d.Description}");
            foreach (AuditFinding f in d.Findings)
            {
                o.WriteLine($"  {Marker(f.Severity)} {Safe(f.Key)}: {Safe(f.Title)}");
                if (f.Severity > FindingSeverity.Info) o.WriteLine($"      why: {f.Why}");
                if (f.Fix is { } fix && f.Severity > FindingSeverity.Info) o.WriteLine($"      fix: {fix}");
            }
        }

        o.WriteLine();
        o.WriteLine($"Overall exposure: {Number(report.Score)} / 10 ({report.Rating})");
        var open = report.FindingsAtLeast(FindingSeverity.Low).ToList();
        if (open.Count > 0) o.WriteLine($"Open doors: {string.Join("; ", open.Select(f => Safe(f.Key)).Distinct())}");
        if (threshold is { } t) o.WriteLine(exceeded ? $"Above the threshold {Number(t)}: failing (exit {AboveThreshold})." : $"Within the threshold {Number(t)}.");
    }

    private static void WriteJson(AuditReport report, string reference, double? threshold, bool exceeded)
    {
        Cli.WriteJsonDocument(json =>
        {
            json.WriteStartObject();
            json.WriteString("policy", reference);
            json.WriteNumber("score", report.Score);
            json.WriteString("rating", report.Rating);
            if (threshold is { } t) json.WriteNumber("threshold", t);
            else json.WriteNull("threshold");
            json.WriteBoolean("exceeded", exceeded);
            json.WriteStartArray("dimensions");
            foreach (AuditDimension d in report.Dimensions)
            {
                json.WriteStartObject();
                json.WriteString("name", d.Name);
                json.WriteString("description", d.Description);
                json.WriteNumber("exposure", Math.Round(d.Exposure, 1, MidpointRounding.AwayFromZero));
                json.WriteNumber("weight", d.Weight);
                json.WriteStartArray("findings");
                foreach (AuditFinding f in d.Findings)
                {
                    json.WriteStartObject();
                    json.WriteString("id", f.Id);
                    json.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
                    json.WriteString("key", f.Key);
                    json.WriteString("finding", f.Title);
                    json.WriteString("why", f.Why);
                    if (f.Fix is null) json.WriteNull("fix");
                    else json.WriteString("fix", f.Fix);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static string Marker(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "[critical]",
        FindingSeverity.High => "[high]    ",
        FindingSeverity.Medium => "[medium]  ",
        FindingSeverity.Low => "[low]     ",
        _ => "[ok]      ",
    };

    private static string Number(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Policy files may carry control characters in paths and names; never let them reach a terminal raw.</summary>
    private static string Safe(string text) => UntrustedText.ForTerminal(text);
}
