using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary><c>seccomp_attr_set(3)</c>. 0, or a negative errno.</summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_attr_set")]
        internal static partial int SeccompAttrSet(SafeSeccompFilterHandle context, FilterAttribute attribute, uint value);
    }
}
