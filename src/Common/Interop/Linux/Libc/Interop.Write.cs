using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>write(2). Bytes written, or -1 + errno. cgroupfs takes each value in a single write and reports rejection through errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(int fd, byte* buffer, nuint count);

        /// <summary><see cref="Write(int, byte*, nuint)"/>, holding <paramref name="fd"/> open for the call.</summary>
        internal static unsafe nint Write(SafeHandle fd, byte* buffer, nuint count)
        {
            using var held = new HeldDescriptor(fd);
            return Write(held.Number, buffer, count);
        }
    }
}
