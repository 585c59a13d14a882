using Cordon.Units;

namespace Cordon.Mcp;

/// <summary>
/// The server's log on stderr (stdout carries only JSON-RPC): one line per call with its verdict, and session events.
/// Guest text never reaches it, only names, counts and the outcome.
/// </summary>
internal static class McpLog
{
    private static readonly Lock Gate = new();

    public static void Write(string line)
    {
        lock (Gate) Console.Error.WriteLine($"cordon-mcp: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}");
    }

    public static string Duration(TimeSpan t) => DurationText.Format(t);
}
