namespace Cordon.Backends.Process;

/// <summary>All native calls of the process tier live under this class (dotnet/runtime interop guidelines).</summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Libc = "libc";
        internal const string Libseccomp = "libseccomp.so.2";
    }
}
