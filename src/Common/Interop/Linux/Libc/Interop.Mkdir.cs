using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>mkdir(2). Used for cgroup directories, where the errno (EEXIST, ENOENT, EACCES) decides what happens next.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mkdir(string path, uint mode);
    }
}
