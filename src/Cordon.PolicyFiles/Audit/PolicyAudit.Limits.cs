using Cordon.Policy;
using Cordon.Units;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    /// <summary>Per limit: the key, the value (double; null = unlimited), a tight value (exposure 0), a huge value (exposure 8) and the default.</summary>
    private static IEnumerable<(string Key, double? Value, double Tight, double Huge, double Default, Func<double, string> Format)> LimitTable(ResourceLimits l)
    {
        ResourceLimits d = ResourceLimits.Default;
        static string Seconds(double s) => DurationText.Format(TimeSpan.FromSeconds(s));
        static string Bytes(double b) => ByteSize.Format((long)b);
        static string Plain(double n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return ("limits.time", l.WallTime?.TotalSeconds, 1, 3600, d.WallTime!.Value.TotalSeconds, Seconds);
        yield return ("limits.cpu", l.CpuTime?.TotalSeconds, 1, 3600, d.CpuTime!.Value.TotalSeconds, Seconds);
        yield return ("limits.memory", l.MemoryBytes, 16 * ByteSize.MiB, 16 * ByteSize.GiB, d.MemoryBytes!.Value, Bytes);
        yield return ("limits.pids", l.MaxProcesses, 1, 4096, d.MaxProcesses!.Value, Plain);
        yield return ("limits.output", l.MaxOutputBytes, 64 * ByteSize.KiB, ByteSize.GiB, d.MaxOutputBytes!.Value, Bytes);
        yield return ("limits.fsize", l.FileSizeBytes, ByteSize.MiB, 64 * ByteSize.GiB, d.FileSizeBytes!.Value, Bytes);
        yield return ("limits.tmp_size", l.TmpfsSizeBytes, ByteSize.MiB, 16 * ByteSize.GiB, d.TmpfsSizeBytes!.Value, Bytes);
        yield return ("limits.nofile", l.OpenFiles, 16, 65536, d.OpenFiles!.Value, Plain);
        yield return ("limits.stack", l.StackBytes, ByteSize.MiB, ByteSize.GiB, d.StackBytes!.Value, Bytes);
        yield return ("limits.disk", l.DiskBytes, 16 * ByteSize.MiB, 64 * ByteSize.GiB, d.DiskBytes!.Value, Bytes);
    }

    private static AuditDimension Limits(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        List<double> scores = [];
        List<string> defaults = [];
        foreach (var (key, value, tight, huge, fallback, format) in LimitTable(policy.Limits))
        {
            if (value is not { } v)
            {
                scores.Add(10);
                findings.Add(new AuditFinding("limits.missing", FindingSeverity.High, key, $"{key} is unlimited",
                    "One runaway or hostile guest can then exhaust this resource for the whole host (a fork, memory, disk or output bomb).",
                    $"set {key} to what the job needs (the default is {format(fallback)})"));
                continue;
            }

            // Logarithmic between tight (0) and huge (8), continuing above huge up to 9: smaller is always lower.
            double score = v <= tight ? 0 : Math.Min(9, 8 * Math.Log(v / tight) / Math.Log(huge / tight));
            scores.Add(score);
            if (v >= huge)
            {
                findings.Add(new AuditFinding("limits.huge", FindingSeverity.Medium, key, $"{key} = {format(v)} is huge",
                    "A limit this large bounds nothing a hostile guest cares about.", $"set {key} to what the job needs"));
            }
            else if (v == fallback)
            {
                defaults.Add(key.Replace("limits.", "", StringComparison.Ordinal));
            }
        }

        if (defaults.Count > 0)
        {
            findings.Add(new AuditFinding("limits.default", FindingSeverity.Info, "limits",
                $"default values for {string.Join(", ", defaults)}",
                "The defaults are small but generic; a budget sized to the job leaves less to abuse.", "size each limit to the job"));
        }

        if (policy.Limits.OutputAction == OutputAction.Truncate && policy.Limits.MaxOutputBytes is not null)
        {
            findings.Add(new AuditFinding("limits.output-truncate", FindingSeverity.Info, "limits.output_action",
                "output past the cap is dropped and the run continues", "The guest keeps running; its output is flagged truncated."));
        }

        return Dimension("limits", "resources a guest can consume (missing, huge or default limits)", 0.4, scores.Average(), findings);
    }
}
