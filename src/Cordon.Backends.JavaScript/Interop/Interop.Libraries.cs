namespace Cordon.Backends.JavaScript;

internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Libc = "libc.so.6"; // the soname: "libc" alone sends the runtime probing dozens of paths
    }
}
