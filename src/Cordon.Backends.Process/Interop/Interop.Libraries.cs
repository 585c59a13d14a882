namespace Cordon.Backends.Process;

/// <summary>All native calls of the process tier live under this class (dotnet/runtime interop guidelines).</summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        // The exact soname: "libc" makes the runtime probe ~60 paths (libc.so is a linker script it cannot load), ~7 ms cold.
        internal const string Libc = "libc.so.6";
        internal const string Libseccomp = "libseccomp.so.2";
    }
}
