using Cordon.Output;

namespace Cordon.Cli;

/// <summary>Shared console helpers: every message Cordon prints is neutralised, since it may quote guest data.</summary>
internal static class Cli
{
    public static void Error(string message) => Console.Error.WriteLine("cordon: " + UntrustedText.ForTerminal(message).Replace("\n", "\ncordon: ", StringComparison.Ordinal));

    /// <summary>A one-time remark that is not an error (e.g. that the guest's stdin is /dev/null).</summary>
    public static void Note(string message) => Console.Error.WriteLine("cordon: note: " + UntrustedText.ForSingleLine(message));
}
