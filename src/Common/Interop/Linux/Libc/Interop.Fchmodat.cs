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
            bool added = false;
            try
            {
                directory.DangerousAddRef(ref added);
                return Fchmodat((int)directory.DangerousGetHandle(), path, mode, flags);
            }
            finally
            {
                if (added) directory.DangerousRelease();
            }
        }
    }
}
