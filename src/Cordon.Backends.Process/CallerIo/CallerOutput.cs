using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.CallerIo;

/// <summary>
/// Writes to the caller's stdout or stderr with write(2) itself, so a closed reader is seen (EPIPE) instead of being
/// swallowed the way the runtime's console streams swallow it: <c>cordon run -- yes | head -1</c> must stop.
/// </summary>
public static class CallerOutput
{
    /// <summary>Writes all of <paramref name="data"/> to <paramref name="fd"/>; false when the reader is gone (EPIPE) or the descriptor failed.</summary>
    public static unsafe bool TryWrite(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            byte* p = start;
            nuint left = (nuint)data.Length;
            while (left > 0)
            {
                nint n = Interop.Libc.Write(fd, p, left);
                if (n > 0)
                {
                    p += n;
                    left -= (nuint)n;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno == Interop.Errno.EINTR) continue;
                if (n < 0 && errno == Interop.Errno.EAGAIN)
                {
                    // A caller's non-blocking descriptor: wait until it takes more.
                    var pollFd = new Interop.Libc.PollFd { Fd = fd, Events = Interop.Libc.PollOut };
                    Interop.Libc.Poll(&pollFd, 1, 1000);
                    continue;
                }

                return false;
            }
        }

        return true;
    }
}
