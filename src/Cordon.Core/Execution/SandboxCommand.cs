using System.Collections.Immutable;

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

    /// <summary>Bytes fed to the guest's stdin; null means stdin is /dev/null.</summary>
    public ReadOnlyMemory<byte>? StandardInput { get; init; }

    /// <summary>Open host files handed in by descriptor (capability style).</summary>
    public ImmutableArray<InheritedFile> InheritedFiles { get; init; } = [];

    /// <summary>
    /// Called with output as it arrives (after the cap is applied), on the supervisor's thread: keep it fast.
    /// The bytes are untrusted and the span is only valid during the call.
    /// </summary>
    public OutputObserver? OnOutput { get; init; }
}

/// <summary>Receives guest output as it arrives.</summary>
public delegate void OutputObserver(OutputStream stream, ReadOnlySpan<byte> chunk);
