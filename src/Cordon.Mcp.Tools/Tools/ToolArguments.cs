using System.Collections.Immutable;
using System.Text.Json;
using ModelContextProtocol;

namespace Cordon.Mcp.Tools;

/// <summary>
/// Reads one call's arguments strictly: an unknown field, a missing required one, or a value of the wrong type is a
/// JSON-RPC invalid-params error that names the field and says what it takes, before anything runs.
/// </summary>
internal sealed class ToolArguments
{
    private readonly string _tool;
    private readonly string _prefix;
    private readonly IReadOnlyDictionary<string, JsonElement> _values;

    public ToolArguments(string tool, IDictionary<string, JsonElement>? values, IReadOnlySet<string> allowed, string prefix = "")
    {
        _tool = tool;
        _prefix = prefix;
        _values = values is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(values, StringComparer.Ordinal);
        foreach (string name in _values.Keys)
        {
            if (!allowed.Contains(name))
                throw Invalid(name, $"is not an argument of {tool}; it takes {string.Join(", ", allowed.Order(StringComparer.Ordinal))}"
                    + " (doors such as network and mounts are set by the server's policy, never by a call)");
        }
    }

    public static McpProtocolException Invalid(string tool, string field, string problem)
        => new($"{tool}: invalid argument '{field}': {problem}", McpErrorCode.InvalidParams);

    public McpProtocolException Invalid(string field, string problem) => Invalid(_tool, _prefix + field, problem);

    public bool Has(string name) => _values.TryGetValue(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null;

    public string RequiredString(string name) => String(name) ?? throw Invalid(name, "is required (a string)");

    public string? String(string name)
    {
        if (!_values.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(name, $"must be a string, not {Kind(e)}");
    }

    public string? Choice(string name, params string[] choices)
    {
        string? value = String(name);
        if (value is not null && !choices.Contains(value, StringComparer.Ordinal))
            throw Invalid(name, $"'{Clip(value)}' is not one of {string.Join(", ", choices)}");
        return value;
    }

    public long? Integer(string name, long min, long max)
    {
        if (!_values.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long value)) throw Invalid(name, $"must be a whole number, not {Kind(e)}");
        return value >= min && value <= max ? value : throw Invalid(name, $"{value} is outside {min}..{max}");
    }

    public ImmutableArray<string>? StringArray(string name, int maxItems)
    {
        if (!_values.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array) throw Invalid(name, $"must be an array of strings, not {Kind(e)}");
        if (e.GetArrayLength() > maxItems) throw Invalid(name, $"has {e.GetArrayLength()} items; at most {maxItems}");
        var items = ImmutableArray.CreateBuilder<string>();
        int i = 0;
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Invalid($"{name}[{i}]", $"must be a string, not {Kind(item)}");
            items.Add(item.GetString()!);
            i++;
        }

        return items.ToImmutable();
    }

    /// <summary>An object of string values (<c>files</c>: path → content).</summary>
    public ImmutableArray<KeyValuePair<string, string>>? StringMap(string name, int maxItems)
    {
        if (!_values.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(name, $"must be an object of path → text, not {Kind(e)}");
        var items = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Invalid($"{name}.{p.Name}", $"must be a string, not {Kind(p.Value)}");
            items.Add(KeyValuePair.Create(p.Name, p.Value.GetString()!));
            if (items.Count > maxItems) throw Invalid(name, $"has more than {maxItems} entries");
        }

        return items.ToImmutable();
    }

    /// <summary>A nested object, read with the same strictness; its fields are named <c>name.field</c>.</summary>
    public ToolArguments? Object(string name, IReadOnlySet<string> allowed)
    {
        if (!_values.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(name, $"must be an object, not {Kind(e)}");
        Dictionary<string, JsonElement> inner = new(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject()) inner[p.Name] = p.Value.Clone();
        return new ToolArguments(_tool, inner, allowed, _prefix + name + ".");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
