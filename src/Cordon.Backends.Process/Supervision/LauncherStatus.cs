using System.Globalization;

namespace Cordon.Backends.Process.Supervision;

/// <summary>What the in-sandbox launcher reported over its status pipe (a trusted channel: the guest never holds it).</summary>
internal sealed class LauncherStatus
{
    private readonly List<string> _warnings = [];
    private string _pending = "";

    public bool GuestStarted { get; private set; }

    /// <summary>A warm sandbox reported R: it is built and waits for its command (see <c>Pool/</c>).</summary>
    public bool Ready { get; private set; }
    public int? ExecErrno { get; private set; }
    public int? ExitCode { get; private set; }
    public int? Signal { get; private set; }
    public bool CoreDumped { get; private set; }
    public (string Step, int Errno)? Failure { get; private set; }
    public IReadOnlyList<string> Warnings => _warnings;
    public bool GuestEnded => ExitCode is not null || Signal is not null;

    /// <summary>Feeds bytes as they arrive; complete lines are parsed, partial ones kept.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        _pending += System.Text.Encoding.ASCII.GetString(bytes);
        int newline;
        while ((newline = _pending.IndexOf('\n', StringComparison.Ordinal)) >= 0)
        {
            ParseLine(_pending[..newline]);
            _pending = _pending[(newline + 1)..];
        }

        // The launcher writes short lines; anything this long is not from it.
        if (_pending.Length > 4096) _pending = "";
    }

    internal void ParseLine(string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return;
        switch (parts[0])
        {
            case "X": GuestStarted = true; break;
            case "R": Ready = true; break;
            case "E" when parts.Length >= 2 && TryInt(parts[1], out int errno): ExecErrno = errno; break;
            case "W" when parts.Length >= 2: _warnings.Add(string.Join(' ', parts[1..])); break;
            case "F" when parts.Length >= 3 && TryInt(parts[2], out int failErrno): Failure = (parts[1], failErrno); break;
            case "S" when parts.Length >= 3 && parts[1] == "exit" && TryInt(parts[2], out int code): ExitCode = code; break;
            case "S" when parts.Length >= 3 && parts[1] == "signal" && TryInt(parts[2], out int signal):
                Signal = signal;
                CoreDumped = parts.Length >= 4 && parts[3] == "core";
                break;
        }
    }

    private static bool TryInt(string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}
