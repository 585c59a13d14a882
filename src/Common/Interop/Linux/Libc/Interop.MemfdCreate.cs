using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint MfdCloexec = 0x1;
        internal const uint MfdAllowSealing = 0x2;

        /// <summary>MFD_NOEXEC_SEAL (Linux 6.3): the memfd can never be made executable. Older kernels answer EINVAL.</summary>
        internal const uint MfdNoexecSeal = 0x8;

        /// <summary><c>memfd_create(2)</c> (glibc ≥ 2.27). Invalid handle + errno on failure.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial SafeFileHandle MemfdCreate(string name, uint flags);
    }
}
