using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>read(2). Bytes read, 0 at end of file, or -1 + errno (EAGAIN when a non-blocking descriptor has nothing).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(int fd, byte* buffer, nuint count);

        /// <summary><see cref="Read(int, byte*, nuint)"/> into <paramref name="buffer"/>, holding <paramref name="fd"/> open for the call.</summary>
        internal static unsafe nint Read(SafeHandle fd, Span<byte> buffer)
        {
            using var held = new HeldDescriptor(fd);
            fixed (byte* p = buffer) return Read(held.Number, p, (nuint)buffer.Length);
        }
    }
}
