using Microsoft.Win32.SafeHandles;

namespace Cordon.Execution;

/// <summary>
/// A pseudo-terminal the caller allocated for one run (never the caller's own terminal): the guest's stdin, stdout and
/// stderr are its <see cref="Replica"/>; the tier reads <see cref="Controller"/> for the guest's output (reported as
/// <see cref="OutputStream.StandardOutput"/>) and writes the guest's input into it.
/// </summary>
/// <remarks>
/// A guest on its own terminal can inject keystrokes (TIOCSTI) or change modes only on that terminal, which Cordon
/// alone reads. The tier takes ownership of <see cref="Replica"/> and closes it once the guest holds it, so the
/// controller sees the end of output when the last guest process is gone; the caller keeps <see cref="Controller"/>
/// (to pass window-size changes on) and disposes it after the run.
/// </remarks>
/// <param name="Controller">The controlling side (<c>/dev/ptmx</c>), owned by the caller.</param>
/// <param name="Replica">The terminal side, handed over to the tier.</param>
public sealed record GuestTerminal(SafeFileHandle Controller, SafeFileHandle Replica);
