using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>fchmodat(2). 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fchmodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Fchmodat(int directory, string path, uint mode, int flags);

        /// <summary><see cref="Fchmodat(int, string, uint, int)"/> relative to <paramref name="directory"/>, holding it open for the call.</summary>
        internal static int Fchmodat(SafeHandle directory, string path, uint mode, int flags)
        {
            using var held = new HeldDescriptor(directory);
            return Fchmodat(held.Number, path, mode, flags);
        }
    }
}
