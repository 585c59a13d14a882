/// <summary>
/// Every native call of Cordon is declared once, in a file of its own under src/Common/Interop, and compiled into each
/// assembly that needs it (linked from its .csproj): one declaration per native function, so two tiers can never bind
/// the same function with different signatures, marshalling or errno handling. The class has no namespace so that a
/// linked file means the same thing in every assembly.
/// </summary>
internal static partial class Interop
{
    internal static class Libraries
    {
        // The exact soname: with "libc" a cold process probed ~60 paths first (strace; libc.so is a linker script it cannot load).
        internal const string Libc = "libc.so.6";
        internal const string Libseccomp = "libseccomp.so.2";
    }
}
