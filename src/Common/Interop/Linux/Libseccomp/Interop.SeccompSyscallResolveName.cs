using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary>
        /// <c>seccomp_syscall_resolve_name(3)</c> for the native architecture: the syscall number, <see cref="ResolveError"/>
        /// when libseccomp does not know the name, or a negative pseudo-number for a call the architecture lacks (e.g. <c>socketcall</c>).
        /// </summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int SeccompSyscallResolveName(string name);
    }
}
