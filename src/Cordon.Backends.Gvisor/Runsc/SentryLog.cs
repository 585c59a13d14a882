using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Cordon.Backends.Gvisor.Runsc;

/// <summary>
/// What runsc and the Sentry log about a run (runsc's debug log, which the supervisor reads from a pipe and never
/// stores): the wait status, a refused fork at RLIMIT_NPROC, syscalls the Sentry does not implement, and why runsc
/// failed. The guest never holds the log; it can only influence the comm name in strace lines, which the parser skips.
/// </summary>
/// <remarks>Not thread-safe: one reader thread feeds it, the supervisor reads it after that thread ended.</remarks>
internal sealed class SentryLog
{
    /// <summary>At most this many distinct unsupported syscalls are kept.</summary>
    public const int MaxUnsupported = 64;

    private const int MaxLine = 8192;
    private readonly SortedSet<string> _unsupported = new(StringComparer.Ordinal);
    private readonly StringBuilder _pending = new();
    private bool _discarding;

    /// <summary>runsc's exit wait status (<c>Exiting with status: N</c>, a raw wait status), or null.</summary>
    public int? WaitStatus { get; private set; }

    /// <summary>Whether a clone/fork/vfork failed with EAGAIN (the Sentry's RLIMIT_NPROC).</summary>
    public bool ProcessLimitHit { get; private set; }

    /// <summary>runsc's fatal error (<c>FATAL ERROR: ...</c>), or null.</summary>
    public string? Fatal { get; private set; }

    /// <summary>The Sentry's Go panic (<c>panic: ...</c>, written raw by the Go runtime), or null.</summary>
    public string? Panic { get; private set; }

    /// <summary>The syscalls the Sentry reported as unsupported (ENOSYS to the guest), by name, sorted.</summary>
    public ImmutableArray<string> UnsupportedSyscalls => [.. _unsupported];

    /// <summary>Lines fed so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Feeds bytes as they arrive; complete lines are parsed.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int newline = bytes.IndexOf((byte)'\n');
            ReadOnlySpan<byte> part = newline < 0 ? bytes : bytes[..newline];
            if (!_discarding)
            {
                if (_pending.Length + part.Length > MaxLine)
                {
                    _discarding = true; // an over-long line is nothing this parser looks for
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(Encoding.UTF8.GetString(part));
                }
            }

            if (newline < 0) return;
            if (!_discarding) ParseLine(_pending.ToString());
            _pending.Clear();
            _discarding = false;
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>Parses one line of glog text: <c>I1201 14:26:34.744420   13661 file.go:266] message</c>.</summary>
    internal void ParseLine(string line)
    {
        Lines++;
        if (line.StartsWith("panic: ", StringComparison.Ordinal))
        {
            Panic ??= line["panic: ".Length..];
            return;
        }

        int end = line.IndexOf("] ", StringComparison.Ordinal);
        if (end < 0 || line.Length < 2) return;
        string source = line[..end];
        string message = line[(end + 2)..];
        if (source.EndsWith("main.go:266", StringComparison.Ordinal) || message.StartsWith("Exiting with status: ", StringComparison.Ordinal))
        {
            if (message.StartsWith("Exiting with status: ", StringComparison.Ordinal)
                && int.TryParse(message.AsSpan("Exiting with status: ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int status))
                WaitStatus = status;
            return;
        }

        if (message.StartsWith("FATAL ERROR: ", StringComparison.Ordinal))
        {
            Fatal ??= message["FATAL ERROR: ".Length..];
            return;
        }

        if (message.StartsWith("Unsupported syscall ", StringComparison.Ordinal))
        {
            int paren = message.IndexOf('(', StringComparison.Ordinal);
            string name = paren > 0 ? message["Unsupported syscall ".Length..paren] : "";
            if (name.Length is > 0 and < 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && _unsupported.Count < MaxUnsupported)
                _unsupported.Add(name);
            return;
        }

        // strace exit lines: "[   1:   1] COMM X clone(...) = 0 (0x0) errno=11 (try again) (902µs)". The comm is the
        // guest's to choose (15 bytes), so the match starts after the last "] " of the task ids and ends at the syscall.
        if (source.Contains("strace.go", StringComparison.Ordinal) && message.Contains("errno=11 ", StringComparison.Ordinal))
        {
            foreach (string call in new[] { " X clone(", " X clone3(", " X fork(", " X vfork(" })
            {
                int at = message.IndexOf(call, StringComparison.Ordinal);
                if (at < 0) continue;
                int result = message.LastIndexOf(") = ", StringComparison.Ordinal);
                if (result > at && message.AsSpan(result).Contains(" errno=11 (", StringComparison.Ordinal)) ProcessLimitHit = true;
            }
        }
    }
}
