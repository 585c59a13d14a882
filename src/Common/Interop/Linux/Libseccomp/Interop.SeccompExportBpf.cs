using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary><c>seccomp_export_bpf(3)</c>: writes the program (<c>struct sock_filter[]</c>) to <paramref name="fd"/>. 0, or a negative errno.</summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_export_bpf")]
        internal static partial int SeccompExportBpf(SafeSeccompFilterHandle context, SafeHandle fd);
    }
}
