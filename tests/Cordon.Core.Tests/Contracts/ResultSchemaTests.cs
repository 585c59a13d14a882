using System.Text.Json;
using System.Text.Json.Schema;
using Cordon.Contracts;

namespace Cordon.Core.Tests.Contracts;

/// <summary>docs/json-schema.md carries the JSON Schema exported from the document type itself, so the two cannot drift apart.</summary>
public class ResultSchemaTests
{
    private const string Begin = "<!-- schema:begin (generated from RunDocument; CORDON_UPDATE_GOLDEN=1 dotnet test tests/Cordon.Core.Tests rewrites it) -->";
    private const string End = "<!-- schema:end -->";

    [Fact]
    public void The_documented_schema_is_the_one_the_code_writes_and_reads()
    {
        var options = new JsonSerializerOptions(RunDocumentJsonContext.Default.Options) { WriteIndented = true };
        string schema = JsonSchemaExporter.GetJsonSchemaAsNode(options, typeof(RunDocument),
            new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).ToJsonString(options);

        string docs = Path.Combine("..", "..", "..", "docs", "json-schema.md");
        string path = Path.Combine(Path.GetDirectoryName(SourceFile())!, docs);
        string text = File.ReadAllText(path);
        int begin = text.IndexOf(Begin, StringComparison.Ordinal), end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/json-schema.md lacks the generated schema block ({Begin} ... {End})");
        string current = text[..(begin + Begin.Length)] + "\n```json\n" + schema + "\n```\n" + text[end..];
        SourceGolden.AssertMatches(docs, current);
    }

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
