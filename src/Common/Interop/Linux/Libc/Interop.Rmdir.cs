using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>rmdir(2). On cgroupfs this removes a cgroup; EBUSY while tasks (or dying tasks) remain.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Rmdir(string path);
    }
}
