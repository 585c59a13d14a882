using System.Runtime.InteropServices;

namespace Cordon.Selftest;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>setenv(3): the environment canary must live in the process's real environment (what a careless spawn would pass on), not only in .NET's copy.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "setenv", SetLastError = true)]
        internal static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        /// <summary>unsetenv(3).</summary>
        [DllImport(Libraries.Libc, EntryPoint = "unsetenv", SetLastError = true)]
        internal static extern int UnsetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

        /// <summary>geteuid(2).</summary>
        [DllImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static extern uint GetEuid();
    }
}
