internal static partial class Interop
{
    internal static partial class Libc
    {
        // open(2) flags (asm-generic values, shared by x86-64 and arm64).
        internal const int ORdOnly = 0x0;
        internal const int OWrOnly = 0x1;
        internal const int ORdWr = 0x2;
        internal const int OCreat = 0x40;
        internal const int ONoCtty = 0x100;
        internal const int OTrunc = 0x200;
        internal const int ONonBlock = 0x800;
        internal const int ODirectory = 0x1_0000;
        internal const int ONoFollow = 0x2_0000;
        internal const int OCloExec = 0x8_0000;
        internal const int OPath = 0x20_0000;

        // The *at(2) family's directory and flags.
        internal const int AtFdCwd = -100;
        internal const int AtSymlinkNoFollow = 0x100;
        internal const int AtEaccess = 0x200;
        internal const int AtEmptyPath = 0x1000;
    }
}
