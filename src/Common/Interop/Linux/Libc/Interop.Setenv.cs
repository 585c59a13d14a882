using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>setenv(3): the environment canary must live in the process's real environment (what a careless spawn would pass on), not only in .NET's copy.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int SetEnv(string name, string value, int overwrite);

        /// <summary>unsetenv(3).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int UnsetEnv(string name);
    }
}
