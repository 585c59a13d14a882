using System.Runtime.InteropServices;
using Cordon.Backends.Process.CallerIo;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Cli.Commands;

/// <summary>
/// Everything of one <c>cordon run</c> that touches the caller: the signals it receives (forwarded to the guest), its
/// terminal (raw mode and window size for <c>-t</c>, restored on every exit path), its stdin (streamed), and its stdout
/// and stderr (neutralised on a terminal, written directly so a closed reader stops the run).
/// </summary>
internal sealed class RunSession : IDisposable
{
    private const int Stdout = 1;
    private const int Stderr = 2;

    private readonly RunOptions _options;
    private readonly CancellationTokenSource _cancel;
    private readonly List<IDisposable> _owned = [];
    private readonly TerminalNeutraliser? _stdoutNeutraliser;
    private readonly TerminalNeutraliser? _stderrNeutraliser;
    private readonly bool _forwardSignals;
    private CallerTerminal? _rawMode;
    private GuestTerminal? _terminal;
    private int? _cancelSignal;

    public RunSession(RunOptions options, CancellationToken outer)
    {
        _options = options;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Signals = new SignalForwarder(options.KillAfter);
        // An in-process tier (wasm, js) has no guest process to signal, so a signal cancels it.
        _forwardSignals = options.Tier.HasProcesses || options.Contain;
        foreach (var (posix, number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
        {
            _owned.Add(PosixSignalRegistration.Create(posix, context =>
            {
                context.Cancel = true;
                OnSignal(number);
            }));
        }

        bool neutralise = !options.RawOutput && !options.Json;
        _stdoutNeutraliser = neutralise && CallerTerminal.IsTerminal(Stdout) ? new TerminalNeutraliser() : null;
        _stderrNeutraliser = neutralise && CallerTerminal.IsTerminal(Stderr) ? new TerminalNeutraliser() : null;
        // Whatever ends this process normally, the caller's terminal gets its mode back.
        AppDomain.CurrentDomain.ProcessExit += RestoreTerminalOnExit;
    }

    /// <summary>Cancels the run: the caller's Ctrl-C for the Wasm tier, or a closed stdout/stderr.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Signals forwarded to the guest.</summary>
    public SignalForwarder Signals { get; }

    /// <summary>The first signal Cordon received during the run, forwarded or turned into a cancellation.</summary>
    public int? ReceivedSignal => Signals.FirstSignal ?? _cancelSignal;

    /// <summary>"stdout" or "stderr" when the caller's reader went away (EPIPE) and the run was stopped.</summary>
    public string? BrokenStream { get; private set; }

    /// <summary>Whether the guest's passed-through output ended mid-line.</summary>
    public bool GuestLineOpen { get; private set; }

    /// <summary>The command to run, with the caller's streams, terminal and signals attached.</summary>
    public SandboxCommand BuildCommand(IReadOnlySet<int> passedDescriptors)
    {
        SafeFileHandle? source = _options.StandardInputPath switch
        {
            null => null,
            "-" => new SafeFileHandle(0, ownsHandle: false),
            // Never through a link, never blocking on a FIFO, a regular file only; streamed, so of any size.
            string path => Own(HostFiles.HostPath.OpenFile(path, "--stdin").Handle),
        };
        if (_options.StandardInputPath is null && !_options.Tty && !_options.Json && !_options.Quiet && CallerTerminal.IsTerminal(0))
            Cli.Note("the guest's stdin is /dev/null (nothing you type reaches it); add -i to stream your input, or -t -i for an interactive terminal");

        if (_options.Tty)
        {
            var size = CallerTerminal.WindowSize(0) ?? CallerTerminal.WindowSize(Stdout) ?? (24, 80);
            _terminal = PseudoTerminals.Open(size.Rows, size.Columns);
            Own(_terminal.Controller);
            GuestTerminal terminal = _terminal;
            _owned.Add(PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ =>
            {
                if ((CallerTerminal.WindowSize(0) ?? CallerTerminal.WindowSize(Stdout)) is { } now) PseudoTerminals.Resize(terminal, now.Rows, now.Columns);
            }));
            // Raw only when the caller types into the guest: keystrokes then reach the guest's terminal unprocessed.
            if (_options.StandardInputPath == "-" && CallerTerminal.IsTerminal(0)) _rawMode = CallerTerminal.EnterRawMode(0);
        }

        return new SandboxCommand(_options.Program, _options.Arguments)
        {
            StandardInputSource = source,
            // The CLI consumes the run's events like every surface does: output chunks pass through as they arrive.
            OnEvent = _options.Json ? null : Observe,
            // One pipe for both when the caller's stdout and stderr are one file (a terminal, 2>&1): the order is kept.
            MergeStandardError = !_options.Json && !_options.Tty && CallerDescriptors.SameFile(Stdout, Stderr),
            Terminal = _terminal,
            Signals = _forwardSignals ? Signals : null,
            WorkingDirectory = _options.WorkingDirectory,
            InheritedFiles = [.. _options.Descriptors.Select(d => new InheritedFile(Inherited(d.HostFd, passedDescriptors), d.GuestFd))],
        };
    }

    /// <summary>The run's events: output goes through to the caller; the rest is in the result at the end.</summary>
    private void Observe(Cordon.Events.SandboxEvent e)
    {
        if (e is Cordon.Events.OutputReceived output) PassThrough(output.Stream, output.Chunk.Span);
    }

    /// <summary>Writes guest output through to the caller's stdout/stderr (called on the supervisor's thread).</summary>
    public void PassThrough(OutputStream stream, ReadOnlySpan<byte> chunk)
    {
        if (BrokenStream is not null || chunk.IsEmpty) return;
        bool isOut = stream == OutputStream.StandardOutput;
        TerminalNeutraliser? neutraliser = isOut ? _stdoutNeutraliser : _stderrNeutraliser;
        ReadOnlySpan<byte> bytes = neutraliser is null ? chunk : neutraliser.Neutralise(chunk);
        if (!CallerOutput.TryWrite(isOut ? Stdout : Stderr, bytes))
        {
            // Like a shell pipeline: nobody reads any more, so the run stops (exit 141).
            BrokenStream = isOut ? "stdout" : "stderr";
            _cancel.Cancel();
            return;
        }

        GuestLineOpen = chunk[^1] != (byte)'\n';
    }

    /// <summary>Gives the caller's terminal its mode back (before Cordon prints its summary).</summary>
    public void RestoreTerminal() => _rawMode?.Dispose();

    private void OnSignal(int number)
    {
        if (_forwardSignals)
        {
            Signals.Send(number);
            return;
        }

        _cancelSignal ??= number;
        _cancel.Cancel();
    }

    /// <summary>
    /// A descriptor the caller passed to Cordon (open and not close-on-exec when it started), never one the runtime
    /// opened for itself: the guest must not get, say, the runtime's signal pipe.
    /// </summary>
    private static SafeFileHandle Inherited(int hostFd, IReadOnlySet<int> passed)
    {
        if (!passed.Contains(hostFd))
        {
            throw new SandboxSetupException("--fd", $"descriptor {hostFd} was not passed to cordon (it was closed, or close-on-exec, when cordon started); only descriptors the caller hands in can be given to the guest",
                $"open it in the shell, e.g. cordon run --fd {Math.Max(hostFd, 3)} -- CMD {Math.Max(hostFd, 3)}<file");
        }

        return new SafeFileHandle(hostFd, ownsHandle: false);
    }

    private T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private void RestoreTerminalOnExit(object? sender, EventArgs e) => RestoreTerminal();

    public void Dispose()
    {
        RestoreTerminal();
        AppDomain.CurrentDomain.ProcessExit -= RestoreTerminalOnExit;
        if (_stdoutNeutraliser?.Flush() is { Length: > 0 } outTail && BrokenStream is null) CallerOutput.TryWrite(Stdout, outTail);
        if (_stderrNeutraliser?.Flush() is { Length: > 0 } errTail && BrokenStream is null) CallerOutput.TryWrite(Stderr, errTail);
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _cancel.Dispose();
    }
}
