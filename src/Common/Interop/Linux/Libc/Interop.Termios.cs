using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int TcsaNow = 0;
        internal const nuint Tiocgwinsz = 0x5413;
        internal const nuint Tiocswinsz = 0x5414;
        internal const nuint Tiocsptlck = 0x40045431;
        internal const nuint Tiocgptpeer = 0x5441;

        internal const uint Isig = 0x1;

        /// <summary>glibc's <c>struct termios</c> (60 bytes on Linux, the same on every architecture); only the fields Cordon reads are named.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 64)]
        internal struct Termios
        {
            [FieldOffset(12)] public uint LocalFlags;
            [FieldOffset(17)] public byte InterruptChar; // c_cc[VINTR]
            [FieldOffset(18)] public byte QuitChar;      // c_cc[VQUIT]
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct WinSize
        {
            public ushort Rows;
            public ushort Columns;
            public ushort XPixels;
            public ushort YPixels;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "isatty", SetLastError = true)]
        internal static partial int IsATty(int fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "tcgetattr", SetLastError = true)]
        internal static partial int TcGetAttr(int fd, out Termios termios);

        [LibraryImport(Libraries.Libc, EntryPoint = "tcsetattr", SetLastError = true)]
        internal static partial int TcSetAttr(int fd, int when, in Termios termios);

        [LibraryImport(Libraries.Libc, EntryPoint = "cfmakeraw")]
        internal static partial void CfMakeRaw(ref Termios termios);

        /// <summary><c>ioctl(fd, TIOCGWINSZ/TIOCSWINSZ, &amp;size)</c> on a raw descriptor number (the caller's own terminal).</summary>
        internal static unsafe int IoctlWinSize(int fd, nuint request, ref WinSize size)
        {
            fixed (WinSize* p = &size) return Ioctl(fd, request, p);
        }
    }
}
