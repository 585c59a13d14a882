namespace Cordon.Backends.Process.CallerIo;

/// <summary>
/// The caller's own terminal: whether a descriptor is one, its window size, and raw mode for the length of a run
/// (so keystrokes, Ctrl-C included, go to the guest's terminal), restored by <see cref="Dispose"/>.
/// </summary>
public sealed class CallerTerminal : IDisposable
{
    private readonly int _fd;
    private readonly Interop.Libc.Termios _saved;
    private int _restored;

    private CallerTerminal(int fd, Interop.Libc.Termios saved)
    {
        _fd = fd;
        _saved = saved;
    }

    /// <summary>Whether <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(int fd) => Interop.Libc.IsATty(fd) == 1;

    /// <summary>The window size of the terminal on <paramref name="fd"/>, or null.</summary>
    public static (int Rows, int Columns)? WindowSize(int fd)
    {
        var size = default(Interop.Libc.WinSize);
        return Interop.Libc.IoctlWinSize(fd, Interop.Libc.Tiocgwinsz, ref size) == 0 && size.Rows > 0 ? (size.Rows, size.Columns) : null;
    }

    /// <summary>Puts the terminal on <paramref name="fd"/> into raw mode; null when it is not a terminal.</summary>
    public static CallerTerminal? EnterRawMode(int fd)
    {
        if (Interop.Libc.TcGetAttr(fd, out Interop.Libc.Termios saved) != 0) return null;
        Interop.Libc.Termios raw = saved;
        Interop.Libc.CfMakeRaw(ref raw);
        var terminal = new CallerTerminal(fd, saved);
        if (Interop.Libc.TcSetAttr(fd, Interop.Libc.TcsaNow, in raw) != 0) return null;
        return terminal;
    }

    /// <summary>Restores the mode the terminal had before; safe to call from several exit paths.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0) return;
        _ = Interop.Libc.TcSetAttr(_fd, Interop.Libc.TcsaNow, in _saved);
    }
}
