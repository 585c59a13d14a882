using System.Globalization;
using System.Text;
using Cordon.Output;
using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Reporting;

/// <summary>The human report: one row per probe (probe, category, expected, observed, verdict), then the summary line.</summary>
/// <remarks>Every cell goes through <see cref="UntrustedText.ForSingleLine(ReadOnlySpan{byte})"/>: observed text can quote the guest, which may try to draw its own rows.</remarks>
public static class SelftestTable
{
    private const int ObservedWidth = 52;

    /// <summary>The table, the <c>N passed, N failed</c> line (alone on its line), and the reasons for anything not passed.</summary>
    public static string Format(SelftestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string[] header = ["PROBE", "CATEGORY", "EXPECTED", "OBSERVED", "VERDICT"];
        List<string[]> rows = [.. report.Probes.Select(p => new[]
        {
            Cell(p.Id), ProbeCategories.Name(p.Category), Cell(p.Expected), Clip(Cell(p.Observed), ObservedWidth), p.VerdictText,
        })];
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max())];

        var text = new StringBuilder();
        AppendRow(text, header, widths);
        foreach (string[] row in rows) AppendRow(text, row, widths);
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{report.Passed} passed, {report.Failed} failed").AppendLine();
        if (report.Degraded > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{report.Degraded} degraded: {Cell(report.CgroupReason ?? "not applicable here, or a limit this host cannot enforce (see each row)")}").AppendLine();
        }

        foreach (ProbeResult p in report.Probes.Where(p => p.Verdict.IsFailed()))
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.VerdictText} {p.Id}: {Cell(string.Join("; ", p.Findings))}").AppendLine();
        }

        foreach (string error in report.SuiteErrors) text.Append("SUITE ERROR: ").AppendLine(Cell(error));
        string who = report.HostUid == 0 ? "root" : "uid " + report.HostUid.ToString(CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"ran {report.Probes.Count(p => p.Ran)} of {report.Probes.Length} probes as {who} in {report.Duration.TotalSeconds:0.0} s; cgroups {(report.CgroupsAvailable ? "available" : "unavailable")}").AppendLine();
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.AppendLine();
    }

    private static string Cell(string text) => UntrustedText.ForSingleLine(Encoding.UTF8.GetBytes(text));

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
