using System.Text;

namespace Cordon.Selftest.Judging;

/// <summary>One step line of a probe: <c>@cordon-probe step NAME TOKEN [DETAIL]</c> (untrusted: the guest wrote it).</summary>
internal sealed record ProbeStep(string Name, string Token, string Detail);

/// <summary>
/// What a probe said about itself on stdout. Only ever used to ask "did it reach its checks, and what did it see": a
/// step claiming success is believed (it errs towards ESCAPED); a step claiming failure is never enough on its own.
/// </summary>
internal sealed class ProbeTranscript
{
    private const string Prefix = "@cordon-probe ";

    public bool Began { get; private set; }

    public bool Ended { get; private set; }

    public List<ProbeStep> Steps { get; } = [];

    public static ProbeTranscript Parse(ReadOnlySpan<byte> stdout, string nonce)
    {
        var transcript = new ProbeTranscript();
        foreach (string raw in Encoding.UTF8.GetString(stdout).Split('\n'))
        {
            // A line may start after junk without a newline (the terminal-escape probe); the protocol word is what counts.
            int at = raw.IndexOf(Prefix, StringComparison.Ordinal);
            if (at < 0) continue;
            string[] parts = raw[(at + Prefix.Length)..].TrimEnd('\r').Split(' ', 4);
            switch (parts[0])
            {
                case "begin" when parts.Length > 1 && parts[1] == nonce: transcript.Began = true; break;
                case "end" when parts.Length > 1 && parts[1] == nonce: transcript.Ended = true; break;
                case "step" when parts.Length >= 3: transcript.Steps.Add(new ProbeStep(parts[1], parts[2], parts.Length > 3 ? parts[3] : "")); break;
            }
        }

        return transcript;
    }
}
