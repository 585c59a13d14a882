using Cordon.Execution;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.CallerIo;

/// <summary>Allocates a new pseudo-terminal for one guest (never the caller's own terminal) and passes window sizes to it.</summary>
public static class PseudoTerminals
{
    /// <summary>A new pseudo-terminal of <paramref name="rows"/> × <paramref name="columns"/> (0 × 0 when unknown).</summary>
    /// <exception cref="Cordon.Errors.SandboxSetupException">The host has no /dev/ptmx or no free terminal.</exception>
    public static unsafe GuestTerminal Open(int rows, int columns)
    {
        SafeFileHandle controller = Interop.Libc.Open("/dev/ptmx", 0x2 | Interop.Libc.OCloExec | Interop.Libc.ONoCtty, 0);
        if (controller.IsInvalid)
        {
            controller.Dispose();
            throw Interop.Errno.Setup("tty", "cannot allocate a pseudo-terminal (/dev/ptmx)", "run without -t, or mount devpts");
        }

        try
        {
            int unlock = 0;
            if (Interop.Libc.Ioctl(controller, Interop.Libc.Tiocsptlck, &unlock) < 0) throw Interop.Errno.Setup("tty", "cannot unlock the pseudo-terminal");
            // TIOCGPTPEER (Linux 4.13) opens the replica from the controller itself, with no /dev/pts path lookup.
            int fd = Interop.Libc.Ioctl(controller, Interop.Libc.Tiocgptpeer, (void*)(nint)(0x2 | Interop.Libc.OCloExec | Interop.Libc.ONoCtty));
            if (fd < 0) throw Interop.Errno.Setup("tty", "cannot open the pseudo-terminal's replica", "Linux 4.13 or newer is required for -t");
            var terminal = new GuestTerminal(controller, new SafeFileHandle(fd, ownsHandle: true));
            if (rows > 0 && columns > 0) Resize(terminal, rows, columns);
            return terminal;
        }
        catch
        {
            controller.Dispose();
            throw;
        }
    }

    /// <summary>Sets the guest terminal's window size (the guest gets SIGWINCH).</summary>
    public static void Resize(GuestTerminal terminal, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var size = new Interop.Libc.WinSize { Rows = (ushort)Math.Clamp(rows, 0, ushort.MaxValue), Columns = (ushort)Math.Clamp(columns, 0, ushort.MaxValue) };
        _ = Interop.Libc.IoctlWinSize(Interop.FileDescriptors.Number(terminal.Controller), Interop.Libc.Tiocswinsz, ref size);
    }
}
