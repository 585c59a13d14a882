using System.Text;

namespace Cordon.Backends.Process.Supervision;

/// <summary>Turns bytes of uncertain origin into a short single line safe to put into an error message.</summary>
internal static class TrustedText
{
    public static string LastLine(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.UTF8.GetString(bytes).TrimEnd();
        int newline = text.LastIndexOf('\n');
        string line = newline >= 0 ? text[(newline + 1)..] : text;
        var clean = new StringBuilder(Math.Min(line.Length, 300));
        foreach (char c in line.AsSpan(0, Math.Min(line.Length, 300)))
        {
            clean.Append(char.IsControl(c) ? '?' : c);
        }

        return clean.ToString();
    }
}
