using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>openat(2): one path component at a time, for kernels without openat2. The descriptor, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int OpenAt(int directory, string path, int flags);
    }
}
