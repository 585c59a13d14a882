using System.Runtime.InteropServices;
using Cordon.Execution;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The guest's descriptors 0, 1 and 2 and the supervisor's ends of them: a stdin pipe (or /dev/null), a stdout and a
/// stderr pipe; one pipe for both when <see cref="SandboxCommand.MergeStandardError"/> asks to keep their order; or
/// the caller's <see cref="GuestTerminal"/> for all three.
/// </summary>
internal sealed class GuestStdio
{
    private GuestStdio(SafeFileHandle output, SafeFileHandle? errors, StdinPump input, (SafeHandle, int)[] child, SafeFileHandle[] childEnds)
    {
        OutputRead = output;
        ErrorRead = errors;
        Input = input;
        ChildDescriptors = child;
        ChildEnds = childEnds;
    }

    /// <summary>Where the guest's stdout (and merged stderr, or the terminal's output) is read; non-blocking.</summary>
    public SafeFileHandle OutputRead { get; }

    /// <summary>Where the guest's separate stderr is read; null when merged or on a terminal.</summary>
    public SafeFileHandle? ErrorRead { get; }

    /// <summary>What feeds the guest's stdin.</summary>
    public StdinPump Input { get; }

    /// <summary>The descriptors the spawned chain gets as 0, 1 and 2.</summary>
    public (SafeHandle Handle, int Fd)[] ChildDescriptors { get; }

    /// <summary>The supervisor's copies of the chain's descriptors, to close right after the spawn.</summary>
    public SafeFileHandle[] ChildEnds { get; }

    public static GuestStdio Create(SandboxCommand command, RunResources resources)
    {
        if (command.Terminal is { } terminal)
        {
            // The controller reads the guest's output and takes its input; a duplicate for input, so the pump can
            // drop its end without closing the output side.
            Interop.FileDescriptors.SetNonBlocking(terminal.Controller);
            SafeFileHandle input = Interop.FileDescriptors.DuplicateAbove(terminal.Controller, 3);
            SafeFileHandle replica = resources.Add(terminal.Replica);
            var pump = new StdinPump(input, command.StandardInput, command.StandardInputSource, targetIsTerminal: true);
            resources.Add(pump);
            return new GuestStdio(terminal.Controller, null, pump, [(replica, 0), (replica, 1), (replica, 2)], [replica]);
        }

        var stdout = resources.Pipe();
        SafeFileHandle? errorRead = null;
        SafeFileHandle errorWrite = stdout.Write;
        if (!command.MergeStandardError)
        {
            var stderr = resources.Pipe();
            (errorRead, errorWrite) = (stderr.Read, stderr.Write);
        }

        SafeFileHandle stdinChild;
        StdinPump feed;
        if (command.StandardInput is not null || command.StandardInputSource is not null)
        {
            var stdin = resources.Pipe(nonBlockingRead: false);
            Interop.FileDescriptors.SetNonBlocking(stdin.Write);
            stdinChild = stdin.Read;
            feed = new StdinPump(stdin.Write, command.StandardInput, command.StandardInputSource, targetIsTerminal: false);
        }
        else
        {
            stdinChild = resources.Add(Interop.FileDescriptors.OpenDevNull());
            feed = new StdinPump(null, null, null, targetIsTerminal: false);
        }

        resources.Add(feed);
        SafeFileHandle[] ends = command.MergeStandardError ? [stdout.Write, stdinChild] : [stdout.Write, errorWrite, stdinChild];
        return new GuestStdio(stdout.Read, errorRead, feed, [(stdinChild, 0), (stdout.Write, 1), (errorWrite, 2)], ends);
    }
}
