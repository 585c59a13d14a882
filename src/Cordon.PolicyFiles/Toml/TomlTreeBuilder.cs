using Cordon.Errors;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Cordon.PolicyFiles.Toml;

/// <summary>
/// Parses TOML with Tomlyn's full-fidelity syntax parser (with its semantic validation: duplicate keys, redefined
/// tables) and folds the syntax tree into <see cref="TomlTableNode"/>s that keep every key's line and column.
/// </summary>
internal static class TomlTreeBuilder
{
    /// <summary>The document's root table, or null with every syntax error when the text is not valid TOML.</summary>
    public static TomlTableNode? Parse(string text, string sourceName, List<PolicyError> errors)
    {
        DocumentSyntax document = SyntaxParser.Parse(text, sourceName, validate: true);
        if (document.HasErrors)
        {
            foreach (DiagnosticMessage message in document.Diagnostics)
            {
                if (message.Kind != DiagnosticMessageKind.Error) continue;
                errors.Add(new PolicyError("toml", $"not valid TOML: {message.Message}", At(sourceName, message.Span.Start).ToString()));
            }

            return null;
        }

        var root = new TomlTableNode(new SourceLocation(sourceName, 1, 1));
        foreach (KeyValueSyntax pair in document.KeyValues) AddPair(root, pair, sourceName);
        foreach (TableSyntaxBase table in document.Tables)
        {
            List<string> path = KeyPath(table.Name);
            SourceLocation at = At(sourceName, table.Span.Start);
            TomlTableNode target;
            if (table is TableArraySyntax)
            {
                TomlTableNode parent = Descend(root, path[..^1], at);
                TomlArrayNode array = parent.Find(path[^1])?.Value as TomlArrayNode ?? AddArray(parent, path[^1], at);
                target = new TomlTableNode(at);
                array.Items.Add(target);
            }
            else
            {
                target = Descend(root, path, at);
            }

            foreach (KeyValueSyntax pair in table.Items) AddPair(target, pair, sourceName);
        }

        return root;
    }

    private static TomlArrayNode AddArray(TomlTableNode parent, string key, SourceLocation at)
    {
        var array = new TomlArrayNode(at);
        parent.Entries.Add(new TomlEntry(key, at, array));
        return array;
    }

    /// <summary>Walks (creating as needed) the tables named by <paramref name="path"/>; the last element of an array of tables counts.</summary>
    private static TomlTableNode Descend(TomlTableNode table, IEnumerable<string> path, SourceLocation at)
    {
        foreach (string key in path)
        {
            TomlNode? next = table.Find(key)?.Value;
            if (next is TomlArrayNode { Items: [.., TomlTableNode last] }) next = last;
            if (next is not TomlTableNode child)
            {
                child = new TomlTableNode(at);
                table.Entries.Add(new TomlEntry(key, at, child));
            }

            table = child;
        }

        return table;
    }

    private static void AddPair(TomlTableNode table, KeyValueSyntax pair, string sourceName)
    {
        if (pair.Key is null || pair.Value is null) return;
        List<string> path = KeyPath(pair.Key);
        SourceLocation keyAt = At(sourceName, pair.Span.Start);
        TomlTableNode target = Descend(table, path[..^1], keyAt);
        target.Entries.Add(new TomlEntry(path[^1], keyAt, Convert(pair.Value, sourceName)));
    }

    private static TomlNode Convert(ValueSyntax value, string sourceName)
    {
        SourceLocation at = At(sourceName, value.Span.Start);
        switch (value)
        {
            case StringValueSyntax s: return new TomlScalar(s.Value ?? "", at);
            case IntegerValueSyntax i: return new TomlScalar(i.Value, at);
            case BooleanValueSyntax b: return new TomlScalar(b.Value, at);
            case FloatValueSyntax f: return new TomlScalar(f.Value, at);
            case ArraySyntax a:
                var array = new TomlArrayNode(at);
                foreach (ArrayItemSyntax item in a.Items)
                {
                    if (item.Value is not null) array.Items.Add(Convert(item.Value, sourceName));
                }

                return array;
            case InlineTableSyntax t:
                var table = new TomlTableNode(at);
                foreach (InlineTableItemSyntax item in t.Items)
                {
                    if (item.KeyValue is not null) AddPair(table, item.KeyValue, sourceName);
                }

                return table;
            default:
                return new TomlScalar(new DateTimeMarker(), at);
        }
    }

    private static List<string> KeyPath(KeySyntax? key)
    {
        List<string> path = [];
        if (key is null) return path;
        path.Add(Name(key.Key));
        if (key.DotKeys is not null)
        {
            foreach (DottedKeyItemSyntax dotted in key.DotKeys) path.Add(Name(dotted.Key));
        }

        return path;
    }

    private static string Name(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax quoted => quoted.Value ?? "",
        _ => "",
    };

    private static SourceLocation At(string sourceName, TextPosition position)
        => new(sourceName, position.Line + 1, position.Column + 1);

    /// <summary>Stands for a TOML date-time, which no policy key accepts.</summary>
    private sealed class DateTimeMarker;
}
