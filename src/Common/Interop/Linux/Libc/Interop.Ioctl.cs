using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>ioctl(2)</c> with a pointer (or integer) argument. The result, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int Ioctl(int fd, nuint request, void* argument);

        /// <summary><see cref="Ioctl(int, nuint, void*)"/>, holding <paramref name="fd"/> open for the call.</summary>
        internal static unsafe int Ioctl(SafeHandle fd, nuint request, void* argument)
        {
            using var held = new HeldDescriptor(fd);
            return Ioctl(held.Number, request, argument);
        }
    }
}
