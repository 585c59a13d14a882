using Cordon.Output;
using Cordon.Policy;
using Cordon.Selftest.Judging;
using Cordon.Units;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private const long FloodCapBytes = 64 * ByteSize.KiB;

    private static IEnumerable<ProbeDefinition> BoundaryOutput() =>
    [
        new()
        {
            Id = "out-flood", Category = ProbeCategory.BoundaryOutput, Program = C("out_flood", "forever"),
            Policy = (b, _) => b.WithMaxOutput(FloodCapBytes).WithOutputAction(OutputAction.Kill),
            Description = "write 1 MiB blocks without newlines to stdout and stderr forever (cap 64 KiB, action kill)",
            Expected = new() { Text = "LIMIT:output (killed at the cap)", End = EndKind.LimitKill, Limit = LimitKind.Output, RequiresEndLine = false },
        },
        new()
        {
            Id = "out-flood-truncate", Category = ProbeCategory.BoundaryOutput, Program = C("out_flood", "bounded"),
            Policy = (b, _) => b.WithMaxOutput(FloodCapBytes),
            Description = "write 64 MiB to each stream, then exit 0 (cap 64 KiB, action truncate)",
            Expected = new() { Text = "exit 0; kept <= cap, truncated", Limit = LimitKind.Output, RequiresEndLine = false },
            HostCheck = TruncatedAtCap,
        },
        new()
        {
            Id = "out-stderr-deadlock", Category = ProbeCategory.BoundaryOutput, Program = C("out_stderr_deadlock"),
            Policy = (b, _) => b.WithWallTime(TimeSpan.FromSeconds(5)),
            Description = "1 MiB to stderr before any stdout (16x the pipe buffer), read stdin to the end, then 256 KiB to stdout",
            Expected = new() { Text = "exit 0, both streams drained; stdin EOF", Steps = [Step("stdin", ["EOF"], ["DATA"]), Step("after-stderr", "WROTE")] },
            HostCheck = BothStreamsDrained,
        },
        new()
        {
            Id = "out-held-pipe", Category = ProbeCategory.BoundaryOutput, Program = C("out_held_pipe"),
            Policy = (b, _) => b.WithWallTime(TimeSpan.FromSeconds(5)),
            Description = "derived: exit at once while a setsid()ed grandchild keeps stdout/stderr open and writes every second",
            Expected = new() { Text = "run ends with the main process", Steps = [Step("holder", "STARTED")] },
            HostCheck = EndedWithMainProcess,
        },
        new()
        {
            Id = "out-terminal-escape", Category = ProbeCategory.BoundaryOutput, Program = C("out_terminal_escape"),
            Description = "OSC 52 clipboard write, window title, clear screen, alternate screen, \\r-faked verdict rows and summary, NUL, C1, invalid UTF-8",
            Expected = new() { Text = "shown neutralised (\\xNN)", Steps = [Step("sequences", "WRITTEN")] },
            HostCheck = OutputNeutralised,
        },
    ];

    private static IEnumerable<Finding> TruncatedAtCap(ProbeEvidence e)
    {
        long cap = e.Policy.Limits.MaxOutputBytes ?? long.MaxValue;
        foreach (var (name, stream) in new[] { ("stdout", e.Result.StandardOutput), ("stderr", e.Result.StandardError) })
        {
            if (stream.Bytes.Length > cap) yield return Finding.Escape($"{name}: kept {stream.Bytes.Length} bytes above the {cap}-byte cap");
            if (!stream.Truncated || stream.TotalBytes < 64 * ByteSize.MiB) yield return Finding.Unsure($"{name}: {stream.TotalBytes} bytes seen, truncated={stream.Truncated}");
        }
    }

    private static IEnumerable<Finding> BothStreamsDrained(ProbeEvidence e)
    {
        if (e.Result.StandardError.TotalBytes != ByteSize.MiB) yield return Finding.Unsure($"stderr: {e.Result.StandardError.TotalBytes} bytes, expected 1 MiB");
        if (e.Result.StandardOutput.TotalBytes < 256 * ByteSize.KiB) yield return Finding.Unsure($"stdout: {e.Result.StandardOutput.TotalBytes} bytes, expected 256 KiB");
    }

    private static IEnumerable<Finding> EndedWithMainProcess(ProbeEvidence e)
    {
        if (e.Result.WallTime > TimeSpan.FromSeconds(3))
            yield return Finding.Escape($"the run lasted {e.Result.WallTime.TotalSeconds:0.0} s: a daemon holding the output pipe kept it alive");
    }

    /// <summary>The exact text the table would show for this output must hold no control character at all.</summary>
    private static IEnumerable<Finding> OutputNeutralised(ProbeEvidence e)
    {
        ReadOnlyMemory<byte> raw = e.Result.StandardOutput.Bytes;
        if (raw.Span.IndexOf((byte)0x1b) < 0) yield return Finding.Unsure("the probe's escape sequences never arrived");
        string shown = UntrustedText.ForSingleLine(raw.Span);
        if (shown.Any(c => c < 0x20 || c == 0x7f || c is >= '\u0080' and <= '\u009f'))
            yield return Finding.Escape("control characters survive neutralisation");
    }
}
