using Cordon.Units;

namespace Cordon.Mcp;

/// <summary>
/// The server's log on stderr (stdout carries only JSON-RPC): one line per call with its verdict, and session events.
/// Guest output never reaches it; a line that quotes a caller's argument (a refusal) passes the single-line sanitiser.
/// </summary>
internal static class McpLog
{
    private static readonly Lock Gate = new();

    /// <summary>Who writes the log: cordon-mcp on stdio, cordon serve for its <c>/mcp</c>.</summary>
    public static string Prefix { get; set; } = "cordon-mcp";

    public static void Write(string line)
    {
        string safe = Output.UntrustedText.ForSingleLine(line);
        lock (Gate) Console.Error.WriteLine($"{Prefix}: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {safe}");
    }

    public static string Duration(TimeSpan t) => DurationText.Format(t);
}
