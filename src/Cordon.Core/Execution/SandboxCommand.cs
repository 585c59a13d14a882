using System.Collections.Immutable;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Execution;

/// <summary>What to run inside the sandbox and how to feed it.</summary>
public sealed record SandboxCommand
{
    /// <summary>Runs <paramref name="program"/> (a path inside the sandbox, or a name looked up in the guest's PATH).</summary>
    public SandboxCommand(string program, IEnumerable<string>? arguments = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        Program = program;
        Arguments = arguments is null ? [] : [.. arguments];
    }

    /// <summary>The program, as the guest sees it.</summary>
    public string Program { get; }

    /// <summary>Arguments after the program name.</summary>
    public ImmutableArray<string> Arguments { get; }

    /// <summary>Bytes fed to the guest's stdin; null (and no <see cref="StandardInputSource"/>) means stdin is /dev/null.</summary>
    public ReadOnlyMemory<byte>? StandardInput { get; init; }

    /// <summary>
    /// A readable descriptor (a file, a pipe, the caller's own stdin) whose contents are streamed to the guest's stdin
    /// as the guest reads them, so memory stays flat for any input size. The caller keeps ownership. Excludes
    /// <see cref="StandardInput"/>.
    /// </summary>
    public SafeFileHandle? StandardInputSource { get; init; }

    /// <summary>
    /// The guest's stderr goes into the same pipe as its stdout (captured and reported as stdout), so the order of
    /// the two is kept: for a caller whose own stdout and stderr are one file (a terminal, a <c>2&gt;&amp;1</c> pipe).
    /// </summary>
    public bool MergeStandardError { get; init; }

    /// <summary>A pseudo-terminal for the guest's stdin, stdout and stderr instead of pipes (see <see cref="GuestTerminal"/>).</summary>
    public GuestTerminal? Terminal { get; init; }

    /// <summary>Signals to pass on to the running guest (see <see cref="SignalForwarder"/>).</summary>
    public SignalForwarder? Signals { get; init; }

    /// <summary>The guest's working directory, an absolute path inside the sandbox; null means <see cref="Policy.SandboxPolicy.WorkDirectoryGuestPath"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Open host files handed in by descriptor (capability style).</summary>
    public ImmutableArray<InheritedFile> InheritedFiles { get; init; } = [];

    /// <summary>
    /// Called with output as it arrives (after the cap is applied), on the supervisor's thread: keep it fast.
    /// The bytes are untrusted and the span is only valid during the call.
    /// </summary>
    public OutputObserver? OnOutput { get; init; }

    /// <summary>
    /// Called with every event of the run (<see cref="Events.SandboxEvent"/>), in order, on the tier's thread: keep it fast.
    /// <see cref="Events.SandboxEventStream.StreamAsync"/> presents the same events as an asynchronous stream.
    /// </summary>
    public Events.SandboxEventObserver? OnEvent { get; init; }
}

/// <summary>Receives guest output as it arrives.</summary>
public delegate void OutputObserver(OutputStream stream, ReadOnlySpan<byte> chunk);
