using System.Runtime.InteropServices;

namespace Cordon.Backends.Wasm;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Room for glibc's pthread_attr_t (56 bytes on x86-64, 64 on arm64), opaque to managed code.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 128)]
        internal struct PthreadAttributes
        {
        }

        /// <summary>pthread_self(3).</summary>
        [DllImport(Libraries.Libc, EntryPoint = "pthread_self")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern nuint PthreadSelf();

        /// <summary>pthread_getattr_np(3): the attributes of a running thread, its actual stack included. Returns 0 or an error number.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "pthread_getattr_np")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int PthreadGetAttributes(nuint thread, out PthreadAttributes attributes);

        /// <summary>pthread_attr_getstack(3): the lowest address and the size of the stack. Returns 0 or an error number.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "pthread_attr_getstack")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int PthreadAttributesGetStack(ref PthreadAttributes attributes, out nint lowest, out nuint size);

        /// <summary>pthread_attr_destroy(3).</summary>
        [DllImport(Libraries.Libc, EntryPoint = "pthread_attr_destroy")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int PthreadAttributesDestroy(ref PthreadAttributes attributes);

        /// <summary>memmove(3) with a length of 0: copies nothing and returns <paramref name="destination"/>'s address.</summary>
        /// <remarks>How this assembly, which has no unsafe code, learns the address of a stack local (the stack pointer, near enough).</remarks>
        [DllImport(Libraries.Libc, EntryPoint = "memmove")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern nint AddressOf(ref byte destination, ref byte source, nuint length);
    }
}
