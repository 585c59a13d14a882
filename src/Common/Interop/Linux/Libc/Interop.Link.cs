using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// link(2): a second name for an existing file. On Linux it never follows a symlink at <paramref name="existing"/>
        /// (it links the link itself). 0, or -1 + errno.
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Link(string existing, string newPath);
    }
}
