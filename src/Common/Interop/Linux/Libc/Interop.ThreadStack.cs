using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Room for glibc's pthread_attr_t (56 bytes on x86-64, 64 on arm64), opaque to managed code.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 128)]
        internal struct PthreadAttributes
        {
        }

        /// <summary><c>pthread_self(3)</c>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pthread_self")]
        internal static partial nuint PthreadSelf();

        /// <summary><c>pthread_getattr_np(3)</c>: the attributes of a running thread, its actual stack included. 0 or an error number.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pthread_getattr_np")]
        internal static partial int PthreadGetAttributes(nuint thread, out PthreadAttributes attributes);

        /// <summary><c>pthread_attr_getstack(3)</c>: the lowest address and the size of the stack. 0 or an error number.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pthread_attr_getstack")]
        internal static partial int PthreadAttributesGetStack(ref PthreadAttributes attributes, out nint lowest, out nuint size);

        /// <summary><c>pthread_attr_destroy(3)</c>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pthread_attr_destroy")]
        internal static partial int PthreadAttributesDestroy(ref PthreadAttributes attributes);

        /// <summary><c>memmove(3)</c> with a length of 0: copies nothing and returns <paramref name="destination"/>'s address (the stack pointer, near enough, for a local).</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "memmove")]
        internal static partial nint AddressOf(ref byte destination, ref byte source, nuint length);
    }
}
