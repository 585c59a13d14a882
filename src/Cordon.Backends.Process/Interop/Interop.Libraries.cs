namespace Cordon.Backends.Process;

/// <summary>All native calls of the process tier live under this class (dotnet/runtime interop guidelines).</summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        // The exact soname: with "libc" a cold process probed ~60 paths first (strace; libc.so is a linker script it cannot load).
        internal const string Libc = "libc.so.6";
        internal const string Libseccomp = "libseccomp.so.2";
    }
}
