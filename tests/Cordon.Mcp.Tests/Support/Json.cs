using System.Text.Json;

namespace Cordon.Mcp.Tests.Support;

internal static class Json
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static JsonElement Result(this JsonElement e) => e.GetProperty("result");

    public static IEnumerable<string> Explanations(this JsonElement e) => e.GetProperty("explanations").EnumerateArray().Select(x => x.GetString()!);
}
