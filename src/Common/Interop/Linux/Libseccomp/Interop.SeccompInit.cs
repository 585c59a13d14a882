using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary><c>seccomp_init(3)</c>: a new context for the native architecture with <paramref name="defaultAction"/>. Invalid on failure.</summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_init")]
        internal static partial SafeSeccompFilterHandle SeccompInit(uint defaultAction);
    }
}
