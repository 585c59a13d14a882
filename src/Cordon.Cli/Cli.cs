using Cordon.Output;

namespace Cordon.Cli;

/// <summary>Shared console helpers: every message Cordon prints is neutralised, since it may quote guest data.</summary>
internal static class Cli
{
    public static void Error(string message) => Stderr("cordon: " + UntrustedText.ForTerminal(message).Replace("\n", "\ncordon: ", StringComparison.Ordinal) + "\n");

    /// <summary>A one-time remark that is not an error (e.g. that the guest's stdin is /dev/null).</summary>
    public static void Note(string message) => Stderr("cordon: note: " + UntrustedText.ForSingleLine(message) + "\n");

    /// <summary>One indented JSON document on stdout, written by <paramref name="write"/> and followed by a newline.</summary>
    public static void WriteJsonDocument(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        using (var json = new System.Text.Json.Utf8JsonWriter(Console.OpenStandardOutput(), new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        Console.Out.WriteLine();
    }

    /// <summary>
    /// Writes Cordon's own text to stderr with write(2): the runtime's console stream would first initialise the terminal
    /// (writing its keypad sequence to a terminal stdout), and swallows EPIPE.
    /// </summary>
    public static void Stderr(string text) => Backends.Process.CallerIo.CallerOutput.TryWrite(2, System.Text.Encoding.UTF8.GetBytes(text));
}
