using System.Text.Encodings.Web;
using System.Text.Json;
using Cordon.Contracts;
using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest.Reporting;

/// <summary>The report as one JSON document (<c>cordon selftest --json</c>); every string is escaped by the writer.</summary>
public static class SelftestJson
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, SelftestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default });
        w.WriteStartObject();
        w.WriteNumber("passed", report.Passed);
        w.WriteNumber("failed", report.Failed);
        w.WriteNumber("degraded", report.Degraded);
        w.WriteNumber("escaped", report.Escaped);
        w.WriteBoolean("succeeded", report.Succeeded);
        w.WriteNumber("durationMs", Math.Round(report.Duration.TotalMilliseconds, 1));
        w.WriteNumber("uid", report.HostUid);
        w.WriteBoolean("cgroups", report.CgroupsAvailable);
        w.WriteString("cgroupReason", report.CgroupReason);
        w.WriteStartArray("suiteErrors");
        foreach (string e in report.SuiteErrors) w.WriteStringValue(e);
        w.WriteEndArray();
        w.WriteStartArray("probes");
        foreach (ProbeResult p in report.Probes) WriteProbe(w, p);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteProbe(Utf8JsonWriter w, ProbeResult p)
    {
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        w.WriteString("category", ProbeCategories.Name(p.Category));
        w.WriteString("description", p.Description);
        w.WriteString("expected", p.Expected);
        w.WriteString("observed", p.Observed);
        w.WriteString("verdict", p.VerdictText);
        w.WriteString("reason", p.Reason);
        w.WriteBoolean("ran", p.Ran);
        w.WriteNumber("durationMs", Math.Round(p.Duration.TotalMilliseconds, 1));
        w.WriteNumber("observedProcesses", p.ObservedProcesses);
        w.WriteString("observedCgroup", p.ObservedCgroup);

        // The run itself in the one result document every surface writes (docs/json-schema.md).
        w.WritePropertyName("run");
        if (p.Run is { } run) JsonSerializer.Serialize(w, RunDocuments.From(run), RunDocumentJsonContext.Default.RunDocument);
        else w.WriteNullValue();
        w.WriteStartArray("findings");
        foreach (string f in p.Findings) w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
