namespace Cordon.PolicyFiles.Toml;

/// <summary>A TOML value with the place it was written, as the policy reader sees it (tables, arrays, scalars).</summary>
internal abstract class TomlNode(SourceLocation at)
{
    /// <summary>Where the value starts.</summary>
    public SourceLocation At { get; } = at;

    /// <summary>How the value is named in messages: "a string", "an integer", "a table"...</summary>
    public abstract string Describe();
}

/// <summary>A string, integer, float, boolean or date-time.</summary>
internal sealed class TomlScalar(object value, SourceLocation at) : TomlNode(at)
{
    public object Value { get; } = value;

    public override string Describe() => Value switch
    {
        string s => $"the string \"{s}\"",
        long n => $"the integer {n}",
        double d => $"the float {d.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        bool b => b ? "true" : "false",
        _ => "a date-time",
    };
}

/// <summary>An array (of any values, including inline tables).</summary>
internal sealed class TomlArrayNode(SourceLocation at) : TomlNode(at)
{
    public List<TomlNode> Items { get; } = [];

    public override string Describe() => "an array";
}

/// <summary>A table: <c>[name]</c>, an inline table, a <c>[[name]]</c> element, dotted keys, or the document root.</summary>
internal sealed class TomlTableNode(SourceLocation at) : TomlNode(at)
{
    /// <summary>Entries in the order written, with where each key was written.</summary>
    public List<TomlEntry> Entries { get; } = [];

    public TomlEntry? Find(string key) => Entries.Find(e => e.Key == key);

    public override string Describe() => "a table";
}

/// <summary>One key of a table and its value.</summary>
internal sealed record TomlEntry(string Key, SourceLocation KeyAt, TomlNode Value);
