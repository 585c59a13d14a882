using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary><c>seccomp_release(3)</c>. Only <see cref="SafeSeccompFilterHandle"/> calls it.</summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_release")]
        internal static partial void SeccompRelease(IntPtr context);
    }
}
